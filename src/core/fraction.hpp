// fraction.hpp: reading a share of a whole typed by a person (a command-line option such as
// --min-amplitude, shown in the window as "% IOD"): "1.2%" or the fraction "0.012" mean the same.
// The one parser for every such option, so each accepts both forms and refuses the same things.
#pragma once

#include <string_view>

#include "core/error.hpp"

namespace ft {

// The fraction that `text` means: a percentage ("1.2%", "1.2 %") divided by 100, or a plain fraction
// ("0.012"). Surrounding spaces are ignored. Refused (ErrorKind::BadArguments, a message naming the
// accepted range in both forms): empty text, anything that is not one whole number (optionally
// followed by one %), NaN and infinities, and a value outside [min_fraction, max_fraction]. A bare
// number that is out of range but would be in range read as a percentage ("1.2") is refused with
// "did you mean 1.2%?", never silently reinterpreted.
Result<double> parse_fraction_or_percent(std::string_view text, double min_fraction, double max_fraction);

}  // namespace ft
