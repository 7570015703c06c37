"""Kernels of the special functions on arrays (erf, erfc, erfinv, lgamma, digamma, polygamma), NumPy only.

Each computes in float64 and returns the input's float dtype; in float64 they agree with PyTorch's to ~1e-12
(relative) or better, except erfinv within 1e-15 of +-1, where the argument itself carries little information.
"""
import math

from ..backend import xp_of

_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
_SERIES_TERMS = 80        # erf's all-positive series converges for |x| < 3 within this many terms
_FRACTION_DEPTH = 60      # erfc's continued fraction converges for x >= 3 within this depth
_SWITCH = 3.0


def _float64(a):
    return a.astype("float64")


def _erf_series(x):
    """erf(x) = 2/sqrt(pi) exp(-x^2) sum 2^n x^(2n+1) / (2n+1)!!: no cancellation, good for |x| < 3."""
    xp = xp_of(x)
    term = x.copy()
    total = x.copy()
    x2 = 2 * x * x
    for n in range(1, _SERIES_TERMS):
        term = term * x2 / (2 * n + 1)
        total += term
    return _TWO_OVER_SQRT_PI * xp.exp(-x * x) * total


def _erfc_fraction(x):
    """erfc(x) for x >= 3 by its continued fraction, evaluated from the tail."""
    xp = xp_of(x)
    tail = x.copy()
    for n in range(_FRACTION_DEPTH, 0, -1):
        tail = x + (n / 2) / tail
    return xp.exp(-x * x) / (math.sqrt(math.pi) * tail)


def _erfc_nonnegative(x):
    xp = xp_of(x)
    far = x >= _SWITCH
    near_value = 1 - _erf_series(xp.where(far, 0.0, x))
    far_value = _erfc_fraction(xp.where(far, x, _SWITCH))
    return xp.where(far, far_value, near_value)


def erf(a):
    x = _float64(a)
    xp = xp_of(x)
    mag = xp.abs(x)
    value = xp.where(mag < _SWITCH, _erf_series(xp.minimum(mag, _SWITCH)), 1 - _erfc_fraction(xp.maximum(mag, _SWITCH)))
    return xp.copysign(value, x).astype(a.dtype)


def erfc(a):
    x = _float64(a)
    xp = xp_of(x)
    positive = _erfc_nonnegative(xp.abs(x))
    return xp.where(x < 0, 2 - positive, positive).astype(a.dtype)


_GILES_CENTRAL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
                  -0.00417768164, 0.246640727, 1.50140941)
_GILES_TAIL = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
               0.00943887047, 1.00167406, 2.83297682)
# Giles' guess is good to ~1e-7 over float32's range; each Newton step squares the relative error
_NEWTON_STEPS = {"float16": 1, "float32": 1, "float64": 3}


def _horner(coefficients, w):
    p = 0.0
    for c in coefficients:
        p = p * w + c
    return p


def erfinv(a):
    """Inverse of erf: Giles' single-precision approximation refined by Newton steps on erf (erfc near +-1)."""
    y = _float64(a)
    xp = xp_of(y)
    mag = xp.abs(y)
    inside = mag < 1
    m = xp.where(inside, mag, 0.5)
    w = -xp.log((1 - m) * (1 + m))
    central = w < 5
    x = m * xp.where(central, _horner(_GILES_CENTRAL, w - 2.5), _horner(_GILES_TAIL, xp.sqrt(w) - 3))
    log_one_minus = xp.log(1 - m)
    tail = m > 0.5
    for _ in range(_NEWTON_STEPS[a.dtype.name]):
        slope = _TWO_OVER_SQRT_PI * xp.exp(-x * x)
        # near 1 solve log(erfc(x)) = log(1 - y), which stays nearly linear deep into the tail
        c = _erfc_nonnegative(xp.where(tail, x, 1.0))
        tail_step = (xp.log(c) - log_one_minus) * c / slope
        central_step = (m - _erf_series(xp.where(tail, 0.0, x))) / slope
        x = x + xp.where(tail, tail_step, central_step)
    x = xp.where(inside, x, xp.where(mag == 1, xp.inf, xp.nan))
    return xp.copysign(x, y).astype(a.dtype)


_LANCZOS_G = 7
_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7)


def _lgamma_right(x):
    """log|Gamma(x)| for x >= 0.5 by Lanczos' approximation, in log form so large x does not overflow."""
    xp = xp_of(x)
    z = x - 1
    series = xp.full_like(z, _LANCZOS[0])
    for i, c in enumerate(_LANCZOS[1:], 1):
        series += c / (z + i)
    t = z + _LANCZOS_G + 0.5
    return 0.5 * math.log(2 * math.pi) + (z + 0.5) * xp.log(t) - t + xp.log(series)


def _is_pole(x):
    xp = xp_of(x)
    return (x <= 0) & (xp.floor(x) == x)


def lgamma(a):
    x = _float64(a)
    xp = xp_of(x)
    left = x < 0.5
    right = _lgamma_right(xp.where(left, 1 - x, x))
    reflected = math.log(math.pi) - xp.log(xp.abs(xp.sin(math.pi * x))) - right
    out = xp.where((x == 1) | (x == 2), 0.0, xp.where(left, reflected, right))
    return xp.where(_is_pole(x) | xp.isinf(x), xp.inf, out).astype(a.dtype)


_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6)  # B2, B4, ..., B14
_ASYMPTOTIC_FROM = 10.0
_MAX_SHIFTS = 10_000  # polygamma shifts a negative x up one step at a time; further below it gives nan


def polygamma(n, a):
    """The n-th derivative of digamma: shift x up past 10 by the recurrence, then the asymptotic series."""
    start = _float64(a)
    xp = xp_of(start)
    if n == 0:
        return _digamma(start).astype(a.dtype)
    sign = -1.0 if n % 2 == 0 else 1.0
    total = xp.zeros_like(start)
    x = start
    for _ in range(_MAX_SHIFTS):
        low = (x < _ASYMPTOTIC_FROM) & xp.isfinite(x)
        if not low.any():
            break
        total += xp.where(low, 1 / xp.where(low, x, 1.0) ** (n + 1), 0.0)
        x = xp.where(low, x + 1, x)
    x = xp.where(x < _ASYMPTOTIC_FROM, xp.nan, x)
    fact = math.factorial(n)
    series = math.factorial(n - 1) / x ** n + fact / (2 * x ** (n + 1))
    for k, b in enumerate(_BERNOULLI, 1):
        series += b * math.factorial(2 * k + n - 1) / (math.factorial(2 * k) * x ** (2 * k + n))
    out = sign * (fact * total + series)
    return xp.where(_is_pole(start), xp.inf if n % 2 else -xp.inf, out).astype(a.dtype)


def _digamma(x):
    xp = xp_of(x)
    left = x < 0.5
    z = xp.where(left, 1 - x, x)
    shifts = xp.zeros_like(z)
    for k in range(int(_ASYMPTOTIC_FROM)):
        shifts += 1 / (z + k)
    z = z + _ASYMPTOTIC_FROM
    inv2 = 1 / (z * z)
    series = xp.zeros_like(z)
    for k, b in reversed(list(enumerate(_BERNOULLI, 1))):
        series = (series + b / (2 * k)) * inv2
    right = xp.log(z) - 0.5 / z - series - shifts
    out = xp.where(left, right - math.pi / xp.tan(math.pi * xp.where(left, x, 0.25)), right)
    out = xp.where(_is_pole(x), xp.nan, out)
    return xp.where(x == 0, -xp.copysign(xp.inf, x), out)


def digamma(a):
    return polygamma(0, a)
