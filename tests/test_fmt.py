"""How numbers are written: integers as integers, never -0, 4 decimals that never fake an
integer, ×10ⁿ for tiny and huge values, and `exact()` that round-trips every float64."""
import math
import re
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app import fmt

finite = st.floats(allow_nan=False, allow_infinity=False)
SUPERSCRIPT_DIGITS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
SCI_SHOW = re.compile(r"(-?\d(?:\.\d+)?)×10([⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
SCI_LATEX = re.compile(r"(-?\d(?:\.\d+)?) \\times 10\^\{(-?\d+)\}")


def page_text(x) -> str:
    """What the page shows, with its true minus (U+2212) written "-" to compare with the texts
    below; `test_the_page_writes_a_true_minus` checks the minus itself."""
    return fmt.show(x).replace("\u2212", "-")


def test_the_page_writes_a_true_minus_and_latex_a_hyphen():
    assert fmt.show(-0.5) == "\u22120.5" and fmt.show(-2.79e-10) == "\u22122.79×10⁻¹⁰"
    assert fmt.latex(-0.5) == "-0.5" and fmt.exact(-0.5) == "-0.5"  # LaTeX typesets "-" as a minus
    assert fmt.signed(fmt.show(-3)) == "(\u22123)"


def sigma(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def decode(shown: str) -> tuple[str, float]:
    """The mantissa text of `show()` output and the float64 its text denotes."""
    m = SCI_SHOW.fullmatch(shown)
    if m:
        return m.group(1), float(f"{m.group(1)}e{m.group(2).translate(SUPERSCRIPT_DIGITS)}")
    assert re.fullmatch(r"-?\d+(\.\d+)?", shown), shown
    return shown, float(shown)


# ------------------------------------------------------------ integers and zero

@given(st.integers(-(10**15) + 1, 10**15 - 1))
def test_integers_print_as_integers(k):
    for x in (float(k), np.float64(k)):
        assert page_text(x) == fmt.latex(x) == fmt.exact(x) == str(k)
        assert not fmt.is_rounded(x)


@pytest.mark.parametrize("x, text", [(91.0, "91"), (-3.0, "-3"), (175.0, "175"), (1e6, "1000000")])
def test_integer_valued_floats_lose_their_point_zero(x, text):
    assert page_text(x) == fmt.exact(x) == text


def test_negative_zero_prints_as_zero():
    assert page_text(-0.0) == fmt.latex(-0.0) == "0"
    assert fmt.exact(-0.0) == "-0" and float(fmt.exact(-0.0)).hex() == "-0x0.0p+0"  # a link keeps the sign


@given(finite)
@example(-0.0)
@example(-1e-9)
@example(-4e-5)
@example(-5e-324)
def test_no_number_ever_prints_as_negative_zero_or_a_zero_it_is_not(x):
    for text in (page_text(x), fmt.latex(x)):  # what the page shows (exact, the link's text, keeps -0)
        assert not re.fullmatch(r"-0*\.?0*", text.split("×")[0].split(" ")[0]), text
    assert fmt.exact(x) == "-0" or not re.fullmatch(r"-0*\.?0*", fmt.exact(x)), fmt.exact(x)
    assert (fmt.exact(x) == "-0") == (x == 0 and math.copysign(1, x) < 0)
    mantissa, value = decode(page_text(x))
    assert (float(mantissa) == 0) == (x == 0)


# ------------------------------------------------------------ decimals

@pytest.mark.parametrize("x, text", [
    (0.5, "0.5"), (-1.25, "-1.25"), (0.125, "0.125"), (3.14159, "3.14159"), (0.0001, "0.0001"),
    (0.000123, "0.000123"),
])
def test_short_exact_values_print_as_they_are(x, text):
    assert page_text(x) == fmt.latex(x) == text
    assert not fmt.is_rounded(x)


@pytest.mark.parametrize("x, text", [
    (sigma(3), "0.9526"), (-1 / 3, "-0.3333"), (2 / 3, "0.6667"), (math.pi, "3.1416"),
    (math.tanh(0.5), "0.4621"), (0.1 + 0.2, "0.3000"),
])
def test_other_values_print_at_four_decimals(x, text):
    assert page_text(x) == text
    assert fmt.is_rounded(x)


def test_sigma_of_22_does_not_print_as_one():
    x = sigma(22)
    assert x < 1.0
    assert page_text(x) not in ("1", "1.0", "1.0000")
    assert page_text(x) == fmt.latex(x) == "0.9999999997"
    assert fmt.is_rounded(x)


@given(st.floats(1e-4, 1e6, exclude_max=True).filter(lambda x: not x.is_integer()),
       st.booleans())
@example(1 - 2**-53, False)
@example(999999.9999999999, True)
@example(sigma(22), False)
@example(1 - 1e-10, False)
def test_a_non_integer_in_the_decimal_range_is_never_shown_as_a_plain_integer(x, negative):
    """Up to 10 decimals are used to show that a value is not an integer (σ(22) reads
    0.9999999997). Closer than that to an integer, the value shows with 4 decimals, trailing
    zeros and all (1.0000): visibly rounded, never a bare "1"."""
    x = -x if negative else x
    text = page_text(x)
    assert "×" not in text
    assert "." in text, text
    assert abs(float(text) - x) <= 0.5e-4 * (1 + 1e-9), text  # at least 4 correct decimals
    if float(text).is_integer():
        assert len(text.split(".")[1]) == 4, text
        assert abs(x - round(x)) < 0.5e-10, text
        assert fmt.is_rounded(x)
    if fmt.is_rounded(x):
        assert len(text.split(".")[1]) >= 4, text


def test_float_noise_next_to_an_integer_shows_four_decimals_and_the_exact_value_on_hover():
    x = 1 + 2**-52  # 1.0000000000000002, as float64 sums often give (the seed preset's z_o)
    assert x != 1
    assert page_text(x) == "1.0000"
    assert fmt.is_rounded(x)


def test_exact_values_with_few_decimals_print_as_they_are():
    assert page_text(123456.7) == "123456.7"
    assert not fmt.is_rounded(123456.7)


# ------------------------------------------------------------ tiny and huge

@pytest.mark.parametrize("x, shown, latex", [
    (1e-5, "1×10⁻⁵", r"1 \times 10^{-5}"),
    (-2.5e-5, "-2.5×10⁻⁵", r"-2.5 \times 10^{-5}"),
    (2.79e-10, "2.79×10⁻¹⁰", r"2.79 \times 10^{-10}"),
    (sigma(-22), "2.789×10⁻¹⁰", r"2.789 \times 10^{-10}"),
    (1.5e20, "1.5×10²⁰", r"1.5 \times 10^{20}"),
    (6.02214076e23, "6.022×10²³", r"6.022 \times 10^{23}"),
    (1e15, "1×10¹⁵", r"1 \times 10^{15}"),
    (-1e-300, "-1×10⁻³⁰⁰", r"-1 \times 10^{-300}"),
])
def test_tiny_and_huge_values_use_times_ten_with_a_superscript_exponent(x, shown, latex):
    assert page_text(x) == shown
    assert fmt.latex(x) == latex


@given(finite.filter(lambda x: x != 0 and (abs(x) < 1e-4 or abs(x) >= 1e15)))
@example(5e-324)
@example(1e-323)
@example(1.7976931348623157e308)
def test_tiny_and_huge_values_show_four_significant_digits_at_most(x):
    text = page_text(x)
    assert SCI_SHOW.fullmatch(text), text
    mantissa, value = decode(text)
    assert 1 <= abs(float(mantissa)) < 10
    assert len(mantissa.lstrip("-").replace(".", "")) <= 4
    power = int(SCI_SHOW.fullmatch(text).group(2).translate(SUPERSCRIPT_DIGITS))
    shown = Decimal(mantissa) * Decimal(10) ** power
    # within half a unit of the 4th digit (in Decimal: 1.798e308 must not overflow), or, for a
    # subnormal with fewer digits, the very text that reads back as x
    assert value == x or abs(shown - Decimal(x)) <= Decimal("5e-4") * abs(Decimal(x)), text


def fewest_digits(x: float) -> str:
    """The definition, tried in turn: the shortest mantissa (1 to 3 significant digits) whose
    text reads back as x, else 4 digits (the first form fmt wrote; it now counts repr's digits)."""
    for decimals in range(3):
        text = f"{x:.{decimals}e}"
        if float(text) == x:
            return text
    return f"{x:.3e}"


# Written as mantissa × 10^power: below 1e-4, from 1e15, and the non-integers from 1e6 on
SCIENTIFIC = finite.filter(lambda x: x != 0 and (abs(x) < 1e-4 or abs(x) >= 1e15
                                                 or (abs(x) >= 1e6 and not x.is_integer())))


@given(SCIENTIFIC)
@example(5e-324)
@example(2.6142184467454783e-217)
@example(1.25e-7)
@example(1e15)
@example(9.9995e-5)
@example(1234567.5)
@example(-999999.75 - 1)
def test_tiny_and_huge_values_use_the_fewest_digits_that_read_back(x):
    text = fewest_digits(x)
    mantissa, power = text.split("e")
    assert fmt.latex(x) == rf"{mantissa} \times 10^{{{int(power)}}}"
    # and the hover offers the exact value exactly when those digits do not read back as x
    assert fmt.is_rounded(x) == (float(text) != x)


@pytest.mark.parametrize("x, text", [(5e-324, "5×10⁻³²⁴"), (1e-323, "1×10⁻³²³"), (-1.5e-323, "-1.5×10⁻³²³")])
def test_subnormal_values_print_like_their_exact_text(x, text):
    # the value exact() writes (and the hover offers) is what the page shows
    assert page_text(x) == text
    assert not fmt.is_rounded(x)


# ------------------------------------------------------------ exact, is_rounded, latex

@given(finite)
@example(5e-324)
@example(-1.7976931348623157e308)
@example(0.1)
@example(1e15 + 0.5)
def test_exact_round_trips_every_finite_float64(x):
    text = fmt.exact(x)
    assert float(text) == x
    assert math.copysign(1, float(text)) == math.copysign(1, x) or x == 0
    assert len(text) <= len(repr(x))  # never longer than the shortest repr


@given(finite)
@example(0.9525741268224334)
@example(1e6 + 0.5)
@example(123456.7)
def test_is_rounded_says_whether_the_shown_text_is_the_value(x):
    _, value = decode(page_text(x))
    assert fmt.is_rounded(x) == (value != x)


@pytest.mark.parametrize("x, rounded", [
    (0.5, False), (91.0, False), (2.79e-10, False), (0.9525741268224334, True),
    (sigma(22), True), (sigma(-22), True), (1e6 + 0.5, True), (1 / 3, True),
])
def test_is_rounded_on_known_values(x, rounded):
    assert fmt.is_rounded(x) is rounded


@given(finite)
def test_latex_writes_the_same_number_as_show(x):
    shown, tex = page_text(x), fmt.latex(x)
    m_show, m_tex = SCI_SHOW.fullmatch(shown), SCI_LATEX.fullmatch(tex)
    if m_show:
        assert m_tex, tex
        assert m_tex.group(1) == m_show.group(1)
        assert m_tex.group(2) == m_show.group(2).translate(SUPERSCRIPT_DIGITS)
    else:
        assert tex == shown


@pytest.mark.parametrize("text, wrapped", [("-3", "(-3)"), ("3", "3"), ("-0.5", "(-0.5)"), ("0", "0")])
def test_signed_parenthesises_negative_factors(text, wrapped):
    assert fmt.signed(text) == wrapped


@settings(max_examples=50)
@given(st.floats(-1e6, 1e6))
def test_show_accepts_numpy_scalars_like_floats(x):
    assert page_text(np.float64(x)) == page_text(x)
    assert fmt.exact(np.float64(x)) == fmt.exact(x)
