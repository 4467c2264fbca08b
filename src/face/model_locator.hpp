// model_locator.hpp: finds the dlib 68-point landmark model.
// Order: --model FILE, then $FACETWITCH_MODEL, then <source>/models/, then /usr/share/dlib/.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace ft {

inline constexpr const char* kModelFileName = "shape_predictor_68_face_landmarks.dat";

// `cli_path` may be empty. On failure the error (ErrorKind::Model) is one line naming every path tried and
// the Debian package that ships the model.
Result<std::filesystem::path> locate_model(const std::string& cli_path);

// The candidate paths in lookup order (for messages and tests).
std::vector<std::filesystem::path> model_candidates(const std::string& cli_path);

}  // namespace ft
