// fraction_test.cpp: the one parser of percent options (--min-amplitude and the like): "1.2%" and
// "0.012" are the same value; garbage, NaN, infinities and out-of-range values are refused with a
// message that names the range.
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "core/fraction.hpp"

namespace ft {
namespace {

constexpr double kLo = 0.002, kHi = 0.2;  // --min-amplitude's range

double ok(const char* text) {
  const Result<double> r = parse_fraction_or_percent(text, kLo, kHi);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : std::nan("");
}

std::string refused(const char* text) {
  const Result<double> r = parse_fraction_or_percent(text, kLo, kHi);
  EXPECT_FALSE(r.ok()) << text << " was accepted as " << (r.ok() ? r.value() : 0.0);
  if (r.ok()) return "";
  EXPECT_EQ(r.error().kind, ErrorKind::BadArguments);
  return r.error().message;
}

}  // namespace

TEST(FractionOrPercent, PercentAndFractionGiveTheSameValue) {
  EXPECT_DOUBLE_EQ(ok("1.2%"), 0.012);
  EXPECT_DOUBLE_EQ(ok("0.012"), 0.012);
  EXPECT_DOUBLE_EQ(ok(" 1.2 % "), 0.012);
  EXPECT_DOUBLE_EQ(ok("20%"), 0.2);     // the upper bound is included
  EXPECT_DOUBLE_EQ(ok("0.2%"), 0.002);  // and the lower one
  EXPECT_DOUBLE_EQ(ok("0.2"), 0.2);
  EXPECT_DOUBLE_EQ(ok("1e-2"), 0.01);
}

TEST(FractionOrPercent, GarbageNaNAndInfinityAreRefused) {
  for (const char* bad : {"", " ", "%", "abc", "1.2%%", "1,2%", "1.2x", "%1.2", "0.01 0.02", "--1"}) {
    const std::string msg = refused(bad);
    EXPECT_NE(msg.find("is not a number"), std::string::npos) << bad << ": " << msg;
  }
  for (const char* bad : {"nan", "NaN%", "inf", "-inf%", "infinity"}) {
    const std::string msg = refused(bad);
    EXPECT_NE(msg.find("not a finite number"), std::string::npos) << bad << ": " << msg;
  }
}

TEST(FractionOrPercent, OutOfRangeNamesTheRangeInBothFormsAndSuggestsThePercentSign) {
  const std::string msg = refused("1.2");  // 120%: as a percentage it would be in range
  EXPECT_NE(msg.find("did you mean 1.2%?"), std::string::npos) << msg;
  EXPECT_NE(msg.find("0.2% to 20%"), std::string::npos) << msg;
  EXPECT_NE(msg.find("fraction, 0.002 to 0.2"), std::string::npos) << msg;
  for (const char* bad : {"25%", "0.1%", "0.001", "-1%", "-0.012", "0", "1e400"}) {
    const std::string m = refused(bad);
    EXPECT_NE(m.find("out of range"), std::string::npos) << bad << ": " << m;
    EXPECT_EQ(m.find("did you mean"), std::string::npos) << bad << ": " << m;
  }
}

}  // namespace ft
