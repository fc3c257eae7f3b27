"""Every LaTeX string the app emits renders in a real renderer: KaTeX in strict mode, which
rejects what MathJax or a LaTeX paste would also choke on (a double superscript W_h^h^\\top).

The strings: each step's `latex` and `formula` in the API's `steps` and `grad_steps`, its
`loss_formula`, and every $$ … $$ block of /latex, for every preset and an example of every
variant (the GRU with each reset placement), in both concat orders, as one step and as a
sequence, with an output layer and dy (and dC where there is a cell state) given. They go to one
node process (tests/katex_render.js) as one JSON batch; KaTeX is vendored in tests/vendor/katex.
"""
from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from app import permalink, presets
from app.cells import VARIANTS
from app.fields import BY_NAME

pytestmark = pytest.mark.slow

RENDER = Path(__file__).parent / "katex_render.js"
# Every cell, with each value of each of its options (the GRU's gru_reset "after" and "before").
CELLS = [(spec.name, dict(zip(spec.options, values)))
         for spec in VARIANTS.values()
         for values in itertools.product(*(BY_NAME[o].choices for o in spec.options))]
_BLOCK = re.compile(r"\$\$ (.*?) \$\$", re.DOTALL)


def _draw(rng, *shape) -> list:
    # Mostly small numbers; a few large ones (saturated gates: the ^{\ast} mark and its note)
    # and tiny ones (written as 2.5 \times 10^{-7}).
    a = rng.uniform(-2, 2, shape)
    a[rng.random(shape) < 0.1] *= 40
    a[rng.random(shape) < 0.05] *= 1e-7
    return a.tolist()


def example_bodies(seed: int = 20261215) -> list[dict]:
    rng = np.random.default_rng(seed)
    bodies = []
    for variant, options in CELLS:
        for concat in ("hx", "xh"):
            for T in (1, 3):
                n, m, k = 2, 3, 2
                body = {"variant": variant, "concat": concat, "x": _draw(rng, T, m) if T > 1 else _draw(rng, m),
                        "h_prev": _draw(rng, n), "W_y": _draw(rng, k, n), "b_y": _draw(rng, k),
                        "dh": _draw(rng, n), "dy": _draw(rng, k)}
                body.update({name: _draw(rng, n, n + m) if name.startswith("W_") else _draw(rng, n)
                             for name in VARIANTS[variant].params})
                body.update(options)
                if VARIANTS[variant].has_cell_state:
                    body.update(C_prev=_draw(rng, n), dC=_draw(rng, n))
                bodies.append(body)
    return bodies


def _strings(where: str, answer: dict, document: str) -> list[tuple[str, str]]:
    """(where it came from, the LaTeX) for everything one example emits."""
    out = [(f"{where} loss_formula", answer["loss_formula"])]
    for key in ("steps", "grad_steps"):
        for step in answer[key]:
            out += [(f"{where} {step['id']} {field}", step[field]) for field in ("latex", "formula")]
    out += [(f"{where} /latex block {k + 1}", block) for k, block in enumerate(_BLOCK.findall(document))]
    return out


def emitted_latex(client) -> list[tuple[str, str]]:
    answers = []
    for body in example_bodies():
        r = client.post("/api/v1/lstm", json=body)
        assert r.status_code == 200, (body, r.get_data(as_text=True))
        where = f"{body['variant']} {body.get('gru_reset', '')} {body['concat']} T={len(body['x']) if np.ndim(body['x']) == 2 else 1}"
        answers.append((where, r.get_json()))
    for preset in presets.PRESETS:
        r = client.get(f"/api/v1/lstm?{permalink.to_query(preset.example)}")
        assert r.status_code == 200, preset.key
        answers.append((f"preset {preset.key}", r.get_json()))
    out = []
    for where, answer in answers:
        doc = client.get("/latex?" + answer["permalink"].partition("?")[2])
        assert doc.status_code == 200, where
        out += _strings(where, answer, doc.get_data(as_text=True))
    return out


def katex_failures(strings: list[str]) -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: this test renders the app's LaTeX with KaTeX in node "
                    "(`apt-get install nodejs`; `make test` installs it).")
    done = subprocess.run([node, str(RENDER)], input=json.dumps(strings), capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, f"tests/katex_render.js failed: {done.stderr[-2000:]}"
    return json.loads(done.stdout)


# Rejected in strict mode, sent with every batch: the check itself still catches a bad string.
CANARY = r"W_h^h^\top \delta z_h"


def test_every_latex_string_the_app_emits_renders_in_katex_strict_mode(client):
    emitted = emitted_latex(client)
    unique = list(dict.fromkeys(tex for _, tex in emitted))  # the same formula recurs often
    report = katex_failures([CANARY, *unique])
    assert report["rendered"] == len(unique) + 1 and len(unique) > 1000
    assert report["failures"][:1] and report["failures"][0]["index"] == 0, \
        f"KaTeX accepted the double superscript {CANARY}: is strict mode on? {report['failures'][:1]}"
    bad = {unique[f["index"] - 1]: f["error"] for f in report["failures"][1:]}
    if bad:
        where = [(w, tex) for w, tex in emitted if tex in bad]
        lines = [f"{w}: {tex[:120]}\n    {bad[tex][:200]}" for w, tex in where[:12]]
        pytest.fail(f"KaTeX {report['katex']} (strict) rejects {len(bad)} of {len(unique)} distinct "
                    f"strings ({len(where)} of {len(emitted)} emitted), e.g.:\n" + "\n".join(lines))
