// model_locator_test.cpp: model lookup order and the one-line errors for a missing or corrupt model.
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "core/paths.hpp"
#include "face/face_tracker.hpp"
#include "face/model_locator.hpp"

namespace ft {

TEST(ModelLocator, LookupOrderIsCliThenEnvThenModelsThenDebian) {
  setenv("FACETWITCH_MODEL", "/env/model.dat", 1);
  const auto c = model_candidates("/cli/model.dat");
  unsetenv("FACETWITCH_MODEL");
  ASSERT_GE(c.size(), 4u);
  EXPECT_EQ(c[0], "/cli/model.dat");
  EXPECT_EQ(c[1], "/env/model.dat");
  EXPECT_NE(c[2].string().find("models/shape_predictor_68_face_landmarks.dat"), std::string::npos);
  EXPECT_EQ(c.back(), "/usr/share/dlib/shape_predictor_68_face_landmarks.dat");
}

TEST(ModelLocator, NoSourceTreeLeavesTheSourceModelsFolderOut) {
  setenv("FACETWITCH_NO_SOURCE_TREE", "1", 1);
  const auto c = model_candidates("");
  unsetenv("FACETWITCH_NO_SOURCE_TREE");
  for (const auto& p : c)
    EXPECT_NE(p.parent_path(), source_dir() / "models") << p;
  EXPECT_EQ(c.back(), "/usr/share/dlib/shape_predictor_68_face_landmarks.dat");
}

TEST(ModelLocator, MissingExplicitModelIsAModelError) {
  auto r = locate_model("/nonexistent/dir/model.dat");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Model);
  EXPECT_NE(r.error().message.find("/nonexistent/dir/model.dat"), std::string::npos);
  EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
}

TEST(ModelLocator, FindsDebiansModel) {
  auto r = locate_model("");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(std::filesystem::is_regular_file(r.value()));
}

TEST(ModelLoader, CorruptModelIsAModelErrorNamingThePackage) {
  const auto path = std::filesystem::temp_directory_path() / "facetwitch_corrupt_model.dat";
  {
    std::ofstream f(path, std::ios::binary);
    f << "definitely not a dlib shape predictor";
  }
  auto m = load_landmark_model(path);
  std::filesystem::remove(path);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().kind, ErrorKind::Model);
  EXPECT_NE(m.error().message.find("corrupt"), std::string::npos) << m.error().message;
  EXPECT_NE(m.error().message.find("libdlib-data"), std::string::npos);
  EXPECT_EQ(m.error().message.find('\n'), std::string::npos);
}

TEST(ModelLoader, TruncatedModelIsAModelError) {
  auto real = locate_model("");
  ASSERT_TRUE(real.ok());
  const auto path = std::filesystem::temp_directory_path() / "facetwitch_truncated_model.dat";
  {
    std::ifstream in(real.value(), std::ios::binary);
    std::ofstream out(path, std::ios::binary);
    std::vector<char> buf(1 << 20);
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    out.write(buf.data(), in.gcount());
  }
  auto m = load_landmark_model(path);
  std::filesystem::remove(path);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().kind, ErrorKind::Model);
}

}  // namespace ft
