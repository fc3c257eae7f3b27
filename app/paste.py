"""What practitioners paste, read without eval: a framework's printout → named (or ordered) tensors.

It reads what people actually have on their screen:
- PyTorch: `print(cell.state_dict())` → `OrderedDict([('weight_ih', tensor([[…]])), …])` (and
  Python 3.12's `OrderedDict({'weight_ih': tensor(…)})`), with `dtype=torch.float64`,
  `requires_grad=True`, `grad_fn=<…>`, `device='cuda:0'`; `print(list(cell.parameters()))` →
  `[Parameter containing:\ntensor(…), …]`; `for name, p in cell.named_parameters(): print(name, p)`.
- Keras: `print(layer.get_weights())` → `[array([[…]], dtype=float32), …]` (unnamed: the
  recognition in `recognise.py` goes by order and shape).
- JSON objects of name → nested lists; Python dicts; plain nested lists.

A small tokenizer and a recursive-descent parser, bounded: the text is at most the request
body's cap, lists nest at most MAX_DEPTH deep, at most MAX_NUMBERS numbers and MAX_TENSORS
tensors. Any number token is read (so that nan, inf and a summarised `...` get a message that
names the tensor and entry); every problem is a `PasteError` whose message says what to do.

This module imports numpy only (no Flask): `parse(text) -> Pasted`.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

MAX_TEXT = 256 * 1024  # characters: the request body's cap
MAX_DEPTH = 8  # a 3-D ONNX tensor inside a list inside a dict is 5 deep
MAX_NUMBERS = 40_000  # an LSTM at n = m = 32 (the app's caps) has 8,448 weights; TF1's 8,320
MAX_TENSORS = 64
MAX_ABS = 1e6  # as number.MAX_ABS: the app's cap on any value
MAX_NUMBER_CHARS = 100  # as number.MAX_NUMBER_CHARS: a number within the cap needs far fewer

FULL_PRINT = ("Print them in full and paste again: torch.set_printoptions(profile=\"full\") for "
              "PyTorch, np.set_printoptions(threshold=sys.maxsize) for NumPy and Keras' get_weights().")


class PasteError(ValueError):
    """A message about the pasted text (or a missing choice): `field` is "text", or the option
    the reader must choose ("framework", "variant", "reset_after")."""

    def __init__(self, message: str, field: str = "text"):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class Tensor:
    """An array as pasted: its values and how it was written (`tensor`, `array`, `list`)."""

    value: np.ndarray
    wrapper: str = "list"
    decimals: int = 0  # the most digits after the point in any of its numbers (as printed)


@dataclass
class Pasted:
    """The parsed text: named tensors (in their order), or unnamed ones (a list), never both.
    `wrappers`: how the tensors were written ({"tensor"}, {"array"}, {"list"})."""

    named: list[tuple[str, Tensor]] = field(default_factory=list)
    unnamed: list[Tensor] = field(default_factory=list)

    @property
    def tensors(self) -> list[Tensor]:
        return [t for _, t in self.named] + self.unnamed

    @property
    def wrappers(self) -> set[str]:
        return {t.wrapper for t in self.tensors}


# ------------------------------------------------------------------------------ tokens

# A number is \d+(?:\.\d*)?, never \d+\.?\d*: that one can split a digit run between its two
# quantifiers in as many ways as it has digits, so a long run that does not end a number cost
# O(L²) steps (8,000 digits: seconds). Here each digit is given back at most once.
_TOKEN = re.compile(r"""
  (?P<ws>\s+)
| (?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?![A-Za-z_]))
| (?P<ell>\.\.\.|…)
| (?P<str>'[^'\\\n]{0,300}'|"[^"\\\n]{0,300}")
| (?P<word>[+-]?[A-Za-z_][A-Za-z0-9_./]*)
| (?P<punct>[\[\](){},:=<>*])
""", re.VERBOSE | re.ASCII)


@dataclass(frozen=True)
class _Tok:
    kind: str  # num, ell, str, word, punct, end
    text: str
    at: int  # offset in the text


class _Tokens:
    """The text's tokens, read as the parser asks for them (a text that goes wrong early costs
    only what was read), then an "end" token for ever. `pos` may be moved past a row of numbers
    that the parser read in one go."""

    def __init__(self, text: str):
        self.text, self.pos = text, 0

    def next(self) -> _Tok:
        text = self.text
        while self.pos < len(text):
            m = _TOKEN.match(text, self.pos)
            if m is None:
                at = self.pos
                line = text.count("\n", 0, at) + 1
                col = at - (text.rfind("\n", 0, at) + 1) + 1
                raise PasteError(f"The text has {text[at]!r} at line {line}, column {col}, which is not part of a "
                                 f"tensor printout. Paste the printout of state_dict(), get_weights(), or JSON.")
            self.pos = m.end()
            if m.lastgroup == "num" and len(m.group()) > MAX_NUMBER_CHARS:
                _too_long(text, m.start(), len(m.group()))
            if m.lastgroup != "ws":
                return _Tok(m.lastgroup, m.group(), m.start())
        return _Tok("end", "", len(text))


def _too_long(text: str, at: int, length: int):
    line = text.count("\n", 0, at) + 1
    col = at - (text.rfind("\n", 0, at) + 1) + 1
    raise PasteError(f"The text has a number {length:,} characters long at line {line}, column {col}; write "
                     f"numbers in at most {MAX_NUMBER_CHARS} characters (values are between -1e6 and 1e6).")


_NUM = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"  # as the tokenizer's num: linear
# A row of plain numbers, [1, -2.5e-3, 0.], read in one go: most of a printout is rows like this.
# No two quantifiers over spaces stand side by side (\s*,?\s* did: O(W²) on W spaces).
_ROW = re.compile(rf"\[\s*(?:((?:{_NUM}\s*,\s*)*{_NUM})\s*)?(?:,\s*)?\]", re.ASCII)
_ROW_NUMBER = re.compile(_NUM, re.ASCII)


# ------------------------------------------------------------------------------ values

_NONFINITE = {"nan", "inf", "infinity"}
_ELLIPSIS = object()  # `...` in a summarised printout
_CALLS_TENSOR = {"tensor", "array", "torch.tensor", "np.array", "numpy.array", "Parameter", "nn.Parameter",
                 "torch.nn.Parameter", "torch.Tensor", "Tensor"}
_CALLS_MAPPING = {"OrderedDict", "collections.OrderedDict", "dict"}


@dataclass
class _Call:
    name: str
    args: list
    kwargs: dict


@dataclass
class _Named:
    pairs: list[tuple[str, object]]


class _Parser:
    def __init__(self, text: str):
        self.source = _Tokens(text)
        self.toks: list[_Tok] = []  # read so far
        self.k = 0
        self.numbers = 0

    def at(self, k: int) -> _Tok:
        while len(self.toks) <= k:
            self.toks.append(self.source.next())
        return self.toks[k]

    @property
    def tok(self) -> _Tok:
        return self.at(self.k)

    def take(self, text: str | None = None) -> _Tok:
        tok = self.tok
        if text is not None and tok.text != text:
            self.fail(f"expected {text!r}")
        self.k += 1
        return tok

    def fail(self, what: str):
        tok = self.tok
        shown = "the end of the text" if tok.kind == "end" else repr(tok.text[:30])
        raise PasteError(f"The printout could not be read: {what} but found {shown} "
                         f"(character {tok.at + 1}). Paste the whole printout, from its first bracket to its last.")

    def document(self) -> list[tuple[str | None, object]]:
        """The whole text: values, each perhaps preceded by a name (`weight_ih_l0 Parameter
        containing: tensor(…)`, `kernel: [[…]]`, `bias = [...]`)."""
        items = []
        while self.tok.kind != "end":
            name = None
            if self.tok.kind in ("word", "str") and self._is_name():
                name = self.take().text.strip("'\"")
                if self.tok.text in (":", "="):
                    self.take()
            items.append((name, self.value(0)))
            if self.tok.text in (",", ";"):
                self.take()
        return items

    def _is_name(self) -> bool:
        """A word or string followed by a value (not itself a call or keyword)."""
        nxt = self.at(self.k + 1)
        if self.tok.kind == "word" and (self.tok.text in _CALLS_TENSOR or self.tok.text in _CALLS_MAPPING
                                        or nxt.text == "(" or self.tok.text.lower().lstrip("+-") in _NONFINITE):
            return False
        return nxt.text in (":", "=", "[", "(", "{") or nxt.kind in ("word", "num")

    def count(self, numbers: int) -> None:
        self.numbers += numbers
        if self.numbers > MAX_NUMBERS:
            raise PasteError(f"The printout has more than {MAX_NUMBERS:,} numbers; a cell within the "
                             f"app's caps (n, m ≤ 32) has at most 8,448.")

    def value(self, depth: int):
        if depth > MAX_DEPTH:
            raise PasteError(f"The printout nests more than {MAX_DEPTH} brackets deep; a cell's tensors "
                             f"are at most 3-D.")
        tok = self.tok
        if tok.kind == "num":
            self.take()
            self.count(1)
            return tok.text
        if tok.kind == "ell":
            self.take()
            return _ELLIPSIS
        if tok.kind == "str":
            self.take()
            return _Str(tok.text[1:-1])
        if tok.text == "[" and len(self.toks) == self.k + 1:  # nothing read beyond it yet
            row = _ROW.match(self.source.text, tok.at)
            if row:
                numbers = _ROW_NUMBER.findall(row.group(1) or "")
                if numbers and max(map(len, numbers)) > MAX_NUMBER_CHARS:
                    longest = max(numbers, key=len)
                    _too_long(self.source.text, tok.at + row.group().index(longest), len(longest))
                self.count(len(numbers))
                self.source.pos = row.end()
                self.k += 1
                return numbers
        if tok.text in ("[", "("):
            close = "]" if tok.text == "[" else ")"
            self.take()
            return self._sequence(close, depth)
        if tok.text == "{":
            self.take()
            return _Named(self._pairs("}", depth))
        if tok.text == "<":  # <KerasVariable shape=(3, 12), …>, grad_fn=<AddBackward0>
            return self._angle()
        if tok.kind == "word":
            return self._word(depth)
        self.fail("expected a number, a list or a tensor")

    def _sequence(self, close: str, depth: int) -> list:
        items = []
        while self.tok.text != close:
            if self.tok.kind == "end":
                self.fail(f"expected {close!r} to close a list")
            items.append(self.value(depth + 1))
            if self.tok.text == ",":
                self.take()
            elif self.tok.text != close:
                self.fail(f"expected ',' or {close!r}")
        self.take(close)
        return items

    def _pairs(self, close: str, depth: int) -> list[tuple[str, object]]:
        pairs = []
        while self.tok.text != close:
            key = self.value(depth + 1)
            if not isinstance(key, _Str) or self.tok.text != ":":
                self.fail("expected a name in quotes and ':'")
            self.take(":")
            pairs.append((key, self.value(depth + 1)))
            if self.tok.text == ",":
                self.take()
            elif self.tok.text != close:
                self.fail(f"expected ',' or {close!r}")
        self.take(close)
        return pairs

    def _angle(self) -> _Word:
        self.take("<")
        inside = self.tok.text
        while self.tok.text != ">":
            if self.tok.kind == "end":
                self.fail("expected '>'")
            self.take()
        self.take(">")
        return _Word("<" + inside)

    def _word(self, depth: int):
        word = self.take().text
        if word.lower().lstrip("+-") in _NONFINITE:
            self.numbers += 1
            return word
        if word == "Parameter" and self.tok.text == "containing":  # print(param)
            self.take()
            self.take(":")
            return self.value(depth + 1)  # a level like any other: 3,000 of them were a RecursionError
        if self.tok.text != "(":
            return _Word(word)
        self.take("(")
        args, kwargs = [], {}
        while self.tok.text != ")":
            if self.tok.kind == "word" and self.at(self.k + 1).text == "=":
                key = self.take().text
                self.take("=")
                kwargs[key] = self.value(depth + 1)
            else:
                args.append(self.value(depth + 1))
            if self.tok.text == ",":
                self.take()
            elif self.tok.text != ")":
                self.fail("expected ',' or ')'")
        self.take(")")
        return _Call(word, args, kwargs)


@dataclass
class _Word:
    text: str


class _Str(str):
    """A quoted string (a name), as opposed to a number's token, kept as text until converted."""


# ---------------------------------------------------------------------------- to arrays

def parse(text: str) -> Pasted:
    """The pasted text's tensors, or a PasteError that says what is wrong and what to do."""
    if not isinstance(text, str) or not text.strip():
        raise PasteError("Paste your cell's tensors: the printout of state_dict() (PyTorch), of "
                         "layer.get_weights() (Keras), or a JSON object of name → nested lists.")
    if len(text) > MAX_TEXT:
        raise PasteError(f"The text is longer than {MAX_TEXT // 1024} KiB, the limit.")
    items = _Parser(text).document()
    pasted = Pasted()
    if len(items) == 1 and items[0][0] is None:
        _top(items[0][1], pasted)
    elif all(name is not None for name, _ in items):
        for name, value in items:
            pasted.named.append((name, _tensor(value, name)))
    else:
        for name, value in items:
            if name is None:
                pasted.unnamed.append(_tensor(value, f"tensor {len(pasted.unnamed) + 1}"))
            else:
                pasted.named.append((name, _tensor(value, name)))
        if pasted.named and pasted.unnamed:
            raise PasteError("Some tensors have names and some do not; paste either the named printout "
                             "(state_dict()) or the list (get_weights()).")
    if len(pasted.tensors) > MAX_TENSORS:
        raise PasteError(f"The printout has {len(pasted.tensors)} tensors; a cell has at most 4.")
    if not pasted.tensors:
        raise PasteError("The text holds no tensors.")
    return pasted


def _top(value, pasted: Pasted) -> None:
    mapping = _mapping(value)
    if mapping is not None:
        for name, item in mapping:
            pasted.named.append((name, _tensor(item, name)))
        return
    if isinstance(value, list) and value and (any(_is_wrapped(v) for v in value) or not _rectangular(value)):
        for k, item in enumerate(value):
            pasted.unnamed.append(_tensor(item, f"tensor {k + 1}"))
        return
    if isinstance(value, list) and len(value) and all(isinstance(v, list) and len(v) == 2 and isinstance(v[0], _Str)
                                                      for v in value):
        for name, item in value:  # list(state_dict().items()): [('weight_ih', tensor(…)), …]
            pasted.named.append((name, _tensor(item, name)))
        return
    pasted.unnamed.append(_tensor(value, "the tensor"))


def _mapping(value) -> list[tuple[str, object]] | None:
    if isinstance(value, _Named):
        return value.pairs
    if isinstance(value, _Call) and value.name in _CALLS_MAPPING and len(value.args) <= 1 and not value.kwargs:
        inner = value.args[0] if value.args else []
        if isinstance(inner, _Named):
            return inner.pairs
        if isinstance(inner, list) and all(isinstance(v, list) and len(v) == 2 and isinstance(v[0], _Str)
                                           for v in inner):
            return [(k, v) for k, v in inner]
        raise PasteError(f"{value.name}(…) should hold (name, tensor) pairs.")
    return None


def _is_wrapped(value) -> bool:
    return isinstance(value, _Call) and value.name in _CALLS_TENSOR


def _rectangular(value) -> bool:
    """Whether nested lists of numbers form one array (every row the same shape)."""
    if not isinstance(value, list):
        return isinstance(value, str) and not isinstance(value, _Str)
    if not value:
        return True
    shapes = {_shape(v) for v in value}
    return len(shapes) == 1 and None not in shapes


def _shape(value):
    if isinstance(value, _Str):
        return None
    if isinstance(value, str) or value is _ELLIPSIS:
        return ()
    if isinstance(value, list):
        inner = {_shape(v) for v in value}
        if len(inner) != 1 or None in inner:
            return None
        return (len(value), *inner.pop())
    return None


def _tensor(value, name: str) -> Tensor:
    """A pasted value as a float64 array, with a message naming the tensor and entry for
    anything that is not a finite number."""
    wrapper = "list"
    if isinstance(value, _Call):
        if value.name in _CALLS_MAPPING:
            raise PasteError(f"{name} holds a whole state_dict; paste one cell's tensors.")
        if value.name.endswith("Size") or value.name == "shape":
            raise PasteError(f"{name} shows only a shape ({value.name}(…)); print the tensor itself "
                             f"(print(p), not print(p.shape)).")
        if value.name not in _CALLS_TENSOR or len(value.args) != 1:
            raise PasteError(f"{name} is written as {value.name}(…), which is not a tensor printout.")
        wrapper = "tensor" if "tensor" in value.name.lower() or "Parameter" in value.name else "array"
        value = value.args[0]
    if isinstance(value, _Word) and value.text.startswith("<"):
        raise PasteError(f"{name} is {value.text[:30]} …>, a description without its numbers: print the "
                         f"values (layer.get_weights(), or p.detach().numpy()).")
    if isinstance(value, (_Named, _Call, _Word, _Str)):
        shown = value.text if isinstance(value, _Word) else "an object"
        raise PasteError(f"{name} is {shown!s:.30}, not a list of numbers.")
    if not isinstance(value, (list, str)) and value is not _ELLIPSIS:
        raise PasteError(f"{name} is not a list of numbers.")
    if _contains(value, _ELLIPSIS):
        raise PasteError(f"{name} is summarised: the printout shows '...' in place of some of its numbers, "
                         f"so they are not all there. {FULL_PRINT}")
    shape = _shape(value)
    if shape is None:
        raise PasteError(f"{name} is ragged: its rows have different lengths (or mix numbers and lists). "
                         f"Every row of a tensor has the same length.")
    if len(shape) > 3:
        raise PasteError(f"{name} is {len(shape)}-D ({'×'.join(map(str, shape))}); a cell's tensors are "
                         f"at most 3-D (ONNX's leading axis of 1).")
    flat = list(_flatten(value))
    if not flat:
        raise PasteError(f"{name} is empty.")
    try:
        numbers = np.array(flat, dtype=np.float64)  # numpy reads the number tokens (and nan, inf) at C speed
    except ValueError:
        raise PasteError(f"{name} holds something that is not a number.") from None
    bad = ~np.isfinite(numbers) | (np.abs(numbers) > MAX_ABS)
    if bad.any():
        k = int(np.argmax(bad))
        _number(flat[k], name, shape, k)  # raises with the tensor, the entry and why
    decimals = 0
    if wrapper == "tensor":  # how many digits torch printed (its default is 4: said in a note)
        decimals = max(len(t.partition(".")[2].partition("e")[0].partition("E")[0]) for t in flat)
    return Tensor(numbers.reshape(shape), wrapper, decimals)


def _contains(value, target) -> bool:
    if value is target:
        return True
    return isinstance(value, list) and any(_contains(v, target) for v in value)


def _flatten(value):
    if isinstance(value, list):
        for v in value:
            yield from _flatten(v)
    else:
        yield value


def _number(token: str, name: str, shape: tuple[int, ...], k: int) -> float:
    where = f"{name} {_entry(shape, k)}"
    low = token.lower().lstrip("+-")
    if low in _NONFINITE:
        raise PasteError(f"{where} is {token}: a cell's weights must be finite numbers (a NaN or inf "
                         f"weight makes every output NaN; look for the step where training diverged).")
    value = float(token)
    if not math.isfinite(value) or abs(value) > MAX_ABS:
        raise PasteError(f"{where} is {token[:24]}, over the cap: values must be between -1e6 and 1e6.")
    return value


def _entry(shape: tuple[int, ...], k: int) -> str:
    """Where the k-th number sits, counted from 0 as the framework indexes it: "[2, 0]"."""
    index = np.unravel_index(k, shape) if shape else ()
    return "[" + ", ".join(str(int(i)) for i in index) + "]" if shape else "(its only number)"
