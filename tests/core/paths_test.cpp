// paths_test.cpp: where data files are looked for: the installed share/facetwitch/ beside the executable,
// then the source tree (switched off by FACETWITCH_NO_SOURCE_TREE). This test binary runs from the build
// tree, which has no share/ beside it, so it sees the developer's order.
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "core/paths.hpp"

namespace ft {
namespace {

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) {
      had_ = true;
      old_ = old;
    }
    if (value)
      setenv(name, value, 1);
    else
      unsetenv(name);
  }
  ~ScopedEnv() {
    if (had_)
      setenv(name_, old_.c_str(), 1);
    else
      unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  bool had_ = false;
  std::string old_;
};

}  // namespace

TEST(Paths, InstalledDataDirIsShareFacetwitchBesideTheExecutablesFolder) {
  EXPECT_EQ(installed_data_dir(), (executable_dir().parent_path() / "share" / "facetwitch").lexically_normal());
}

TEST(Paths, DeveloperBuildFindsTheProtocolInTheSourceTree) {
  ScopedEnv env("FACETWITCH_NO_SOURCE_TREE", nullptr);
  ASSERT_FALSE(std::filesystem::exists(installed_data_dir())) << "a share/facetwitch beside the build tree?";
  EXPECT_TRUE(source_tree_allowed());
  const auto p = find_data_file(std::filesystem::path("protocols") / "standard.json");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(*p, source_dir() / "assets" / "protocols" / "standard.json");
}

TEST(Paths, NoSourceTreeSwitchesTheSourceTreeOff) {
  {
    ScopedEnv env("FACETWITCH_NO_SOURCE_TREE", "1");
    EXPECT_FALSE(source_tree_allowed());
    EXPECT_TRUE(data_dirs().empty());  // no share/ beside the build tree either
    EXPECT_FALSE(find_data_file(std::filesystem::path("protocols") / "standard.json").has_value());
  }
  {
    ScopedEnv env("FACETWITCH_NO_SOURCE_TREE", "0");
    EXPECT_TRUE(source_tree_allowed());
  }
  {
    ScopedEnv env("FACETWITCH_NO_SOURCE_TREE", "");
    EXPECT_TRUE(source_tree_allowed());
  }
}

TEST(Paths, DemoPhotoComesFromTheCacheElseTheInstalledCopy) {
  const auto empty = std::filesystem::temp_directory_path() / "facetwitch_paths_test_empty_cache";
  std::filesystem::create_directories(empty);
  ScopedEnv env("FACETWITCH_CACHE", empty.c_str());
  // No cache copy and no share/ beside the build tree: none.
  EXPECT_FALSE(find_demo_photo().has_value());
  std::filesystem::remove_all(empty);
}

}  // namespace ft
