// error_test.cpp: one distinct exit code per error class; Result carries a value or an error.
#include <set>

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace ft {

TEST(Error, ExitCodesAreDistinctAndNonZero) {
  std::set<int> codes;
  for (ErrorKind k : {ErrorKind::BadArguments, ErrorKind::Input, ErrorKind::Model, ErrorKind::Output, ErrorKind::Internal}) {
    EXPECT_NE(exit_code(k), 0);
    EXPECT_TRUE(codes.insert(exit_code(k)).second);
  }
  EXPECT_EQ(exit_code(ErrorKind::BadArguments), 2);
  EXPECT_EQ(exit_code(ErrorKind::Model), 4);
}

TEST(Error, ResultHoldsValueOrError) {
  Result<int> good(5);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good.value(), 5);
  Result<int> bad(make_error(ErrorKind::Input, "nope"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::Input);
  EXPECT_EQ(bad.error().message, "nope");
  Status st;
  EXPECT_TRUE(st.ok());
  Status st2(make_error(ErrorKind::Output, "x"));
  EXPECT_FALSE(st2.ok());
}

}  // namespace ft
