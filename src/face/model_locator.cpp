// model_locator.cpp: lookup order for the 68-point landmark model.
#include "face/model_locator.hpp"

#include <cstdlib>
#include <system_error>

#include "core/paths.hpp"

namespace ft {

std::vector<std::filesystem::path> model_candidates(const std::string& cli_path) {
  std::vector<std::filesystem::path> out;
  if (!cli_path.empty()) out.emplace_back(cli_path);
  if (const char* env = std::getenv("FACETWITCH_MODEL"); env && *env) out.emplace_back(env);
  if (source_tree_allowed()) out.push_back(source_dir() / "models" / kModelFileName);
  out.push_back(executable_dir() / "models" / kModelFileName);
  out.push_back(std::filesystem::path("/usr/share/dlib") / kModelFileName);
  return out;
}

Result<std::filesystem::path> locate_model(const std::string& cli_path) {
  const auto candidates = model_candidates(cli_path);
  std::error_code ec;
  // An explicit --model or $FACETWITCH_MODEL that does not exist is an error on its own: the user asked
  // for that file, silently using another one would hide a mistake.
  if (!cli_path.empty() && !std::filesystem::is_regular_file(cli_path, ec)) {
    return make_error(ErrorKind::Model, "landmark model not found at '" + cli_path +
                                            "' (from --model): check the path, or leave --model out "
                                            "to use Debian's libdlib-data model");
  }
  for (const auto& c : candidates) {
    if (std::filesystem::is_regular_file(c, ec)) return c;
  }
  std::string tried;
  for (const auto& c : candidates) {
    if (!tried.empty()) tried += ", ";
    tried += c.string();
  }
  return make_error(ErrorKind::Model, "landmark model " + std::string(kModelFileName) +
                                          " not found (tried " + tried +
                                          "): install Debian's libdlib-data (apt-get install "
                                          "libdlib-data) or pass --model FILE");
}

}  // namespace ft
