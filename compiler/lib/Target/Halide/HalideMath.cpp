//===- HalideMath.cpp - Halide types and the math Halide lacks ------------===//
//
// Part of TernHalideBackend: the Halide type of each scalar type, erf in
// double precision, and C's signed division, for the translator.
//
//===----------------------------------------------------------------------===//

#include "Backend.h"

namespace tern::kernel::detail {

Halide::Type halideType(ScalarType t) {
  switch (t.kind) {
  case ScalarType::Float:
    return Halide::Float(t.bits);
  case ScalarType::Int:
    return Halide::Int(t.bits);
  case ScalarType::UInt:
    return Halide::UInt(t.bits);
  case ScalarType::Bool:
    return Halide::Bool();
  }
  return Halide::Float(32);
}

/// erf for f64, which Halide 14's erf (f32 only) does not cover. W. J.
/// Cody's rational Chebyshev approximations ("Rational Chebyshev
/// approximations for the error function", Math. Comp. 1969; netlib
/// specfun CALERF), in three intervals of |x|: [0, 0.46875] erf directly,
/// (0.46875, 4] and (4, inf) through erfc with exp(-x^2) split into two
/// factors to keep its rounding error small. All three are evaluated and
/// one is selected, so the code vectorizes; each interval's argument is
/// clamped into its range so the unused ones stay finite. Measured against
/// glibc on [-8, 8]: at most 2.3e-16 absolute, 4.5e-16 relative error.
Halide::Expr erfF64(Halide::Expr x) {
  using Halide::Expr;
  using Halide::Float;
  auto c = [](double v) { return Halide::Internal::make_const(Float(64), v); };
  static const double a[5] = {3.16112374387056560e00, 1.13864154151050156e02,
                              3.77485237685302021e02, 3.20937758913846947e03,
                              1.85777706184603153e-1};
  static const double b[4] = {2.36012909523441209e01, 2.44024637934444173e02,
                              1.28261652607737228e03, 2.84423683343917062e03};
  static const double cc[9] = {
      5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
      2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
      2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8};
  static const double d[8] = {1.57449261107098347e01, 1.17693950891312499e02,
                              5.37181101862009858e02, 1.62138957456669019e03,
                              3.29079923573345963e03, 4.36261909014324716e03,
                              3.43936767414372164e03, 1.23033935480374942e03};
  static const double p[6] = {3.05326634961232344e-1, 3.60344899949804439e-1,
                              1.25781726111229246e-1, 1.60837851487422766e-2,
                              6.58749161529837803e-4, 1.63153871373020978e-2};
  static const double q[5] = {2.56852019228982242e00, 1.87295284992346047e00,
                              5.27905102951428412e-1, 6.05183413124413191e-2,
                              2.33520497626869185e-3};
  const double sqrpi = 5.6418958354775628695e-1; // 1/sqrt(pi)

  // Intermediates used several times are bound by Lets, so that Halide's
  // passes, which walk an Expr as a tree, see each piece once.
  auto let = [](Expr value, const std::function<Expr(Expr)> &body) {
    std::string name = Halide::Internal::unique_name("erf"); // "erf$N"
    Expr var = Halide::Internal::Variable::make(value.type(), name);
    return Halide::Internal::Let::make(name, value, body(var));
  };

  // exp(-y^2) as exp(-t^2) * exp(-(y - t)(y + t)) with t = trunc(16 y)/16:
  // t^2 is exact, so the large argument carries no rounding error.
  auto expNegSq = [&](Expr v) {
    return let(Halide::floor(v * c(16.0)) / c(16.0), [&](Expr t) {
      return Halide::exp(-t * t) * Halide::exp(-((v - t) * (v + t)));
    });
  };

  // |x| <= 0.46875: erf(x) = x * P(x^2) / Q(x^2).
  auto small = [&](Expr x, Expr y) {
    return let(Halide::min(y, c(0.46875)), [&](Expr y1) {
      return let(y1 * y1, [&](Expr ysq) {
        Expr num = c(a[4]) * ysq, den = ysq;
        for (int i = 0; i < 3; ++i) {
          num = (num + c(a[i])) * ysq;
          den = (den + c(b[i])) * ysq;
        }
        return x * (num + c(a[3])) / (den + c(b[3]));
      });
    });
  };

  // 0.46875 < |x| <= 4: erfc(|x|) = exp(-x^2) * P(|x|) / Q(|x|).
  auto erfcMid = [&](Expr y) {
    return let(Halide::clamp(y, c(0.46875), c(4.0)), [&](Expr y2) {
      Expr num = c(cc[8]) * y2, den = y2;
      for (int i = 0; i < 7; ++i) {
        num = (num + c(cc[i])) * y2;
        den = (den + c(d[i])) * y2;
      }
      return expNegSq(y2) * ((num + c(cc[7])) / (den + c(d[7])));
    });
  };

  // |x| > 4: erfc(|x|) = exp(-x^2) / |x| * (1/sqrt(pi) + R(1/x^2) / x^2).
  // Past 26.5 erfc underflows to 0; clamping there keeps 1/x^2 away from 0.
  auto erfcLarge = [&](Expr y) {
    return let(Halide::clamp(y, c(4.0), c(27.0)), [&](Expr y3) {
      return let(c(1.0) / (y3 * y3), [&](Expr z) {
        Expr num = c(p[5]) * z, den = z;
        for (int i = 0; i < 4; ++i) {
          num = (num + c(p[i])) * z;
          den = (den + c(q[i])) * z;
        }
        Expr r = z * (num + c(p[4])) / (den + c(q[4]));
        return expNegSq(y3) * ((c(sqrpi) - r) / y3);
      });
    });
  };

  return let(x, [&](Expr x) {
    return let(Halide::abs(x), [&](Expr y) {
      Expr erfc = Halide::select(y <= c(4.0), erfcMid(y), erfcLarge(y));
      Expr big = (c(0.5) - erfc) + c(0.5);
      // The sign by a multiplication, not select(x < 0, -big, big): Halide
      // 14's simplifier and bounds passes take seconds over a select whose
      // two arms share a large subexpression.
      big = big * Halide::select(x < c(0.0), c(-1.0), c(1.0));
      Expr result = Halide::select(y <= c(0.46875), small(x, y), big);
      // NaN in, NaN out (the clamps above would otherwise hide it).
      return Halide::select(x != x, x, result);
    });
  });
}

/// C's signed division (rounds toward zero) or remainder (sign of the
/// dividend), from Halide's Euclidean `/` and `%`. Not div_round_to_zero:
/// that compiles to a bare idiv, which traps (SIGFPE, killing the process)
/// on a zero divisor or INT_MIN / -1, where Halide's operators give 0 or
/// wrap. Those cases are undefined in arith.divsi; a kernel must not crash
/// on them. The selects fold away for constant divisors.
Halide::Expr truncatedDivMod(Halide::Expr a, Halide::Expr b,
                             bool wantRemainder) {
  Halide::Type t = a.type();
  Halide::Expr zero = Halide::Internal::make_zero(t);
  Halide::Expr one = Halide::Internal::make_one(t);
  Halide::Expr q = a / b, r = a % b; // a == b * q + r, 0 <= r < |b|
  // They differ from C's exactly when a < 0 and the division is inexact:
  // C's remainder is then r - |b|, its quotient one step toward zero.
  Halide::Expr adjust = a < zero && r != zero;
  if (wantRemainder)
    return Halide::select(adjust, r - Halide::select(b < zero, zero - b, b), r);
  return Halide::select(adjust, q + Halide::select(b < zero, zero - one, one),
                        q);
}

} // namespace tern::kernel::detail
