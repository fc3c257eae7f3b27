"""The OpenAPI document (`GET /api/v1/openapi.json`, app/openapi.py) is a valid OpenAPI 3.1
document, and it is true: real answers of every preset, of random examples of every cell, of
permalinks, and real 400, 413 and 405 answers validate against it (JSON Schema 2020-12), and
every field a real answer has is described in it. schemathesis fuzzes the API from it in
tests/test_schemathesis.py."""
from __future__ import annotations

import json
from urllib.parse import urlsplit

import numpy as np
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec

from app import MAX_BODY, create_app
from app.api import ANSWER_OPTIONS
from app.cells import VARIANTS
from app.fields import ALL_FIELDS, ARRAY_FIELDS
from app.presets import PRESETS
from app.primitives import PRIMITIVES

from tests.reference import api_body, random_example

API = "/api/v1/lstm"
DOC = "/api/v1/openapi.json"


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True}).test_client()


@pytest.fixture(scope="module")
def doc(client) -> dict:
    r = client.get(DOC)
    assert r.status_code == 200
    assert r.mimetype == "application/json"
    return r.get_json()


def _strict(schema):
    """The schema with `additionalProperties: false` on every object that lists its properties:
    a real answer may then hold no field the document does not describe. (The document itself
    leaves answers open, so clients survive fields that later issues add.)"""
    if isinstance(schema, dict):
        out = {key: _strict(value) for key, value in schema.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [_strict(item) for item in schema]
    return schema


def _validator(doc: dict, ref: str, strict: bool = True) -> Draft202012Validator:
    components = _strict(doc["components"]) if strict else doc["components"]
    root = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": ref, "components": components}
    Draft202012Validator.check_schema(root)
    return Draft202012Validator(root)


def _response_schema_ref(doc: dict, path: str, method: str, status: int) -> str:
    responses = doc["paths"][path][method.lower()]["responses"]
    assert str(status) in responses, f"{method} {path} does not document status {status}"
    response = responses[str(status)]
    if "$ref" in response:
        response = doc["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response["content"]["application/json"]["schema"]["$ref"]


def conforms(doc: dict, r, method: str, path: str = API, status: int = 200) -> dict:
    """Asserts the status, then validates the JSON answer against what the document says
    about it, strictly (every field described)."""
    assert r.status_code == status, r.get_data(as_text=True)[:500]
    assert r.mimetype == "application/json"
    data = r.get_json()
    if status == 405:  # no operation has it: any other method of the path answers it
        ref = doc["components"]["responses"]["MethodNotAllowed"]["content"]["application/json"]["schema"]["$ref"]
    else:
        ref = _response_schema_ref(doc, path, method, status)
    errors = sorted(_validator(doc, ref).iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message[:300]}" for e in errors[:10])
    return data


def request_conforms(doc: dict, body: dict) -> None:
    errors = list(_validator(doc, "#/components/schemas/Request", strict=False).iter_errors(body))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message[:300]}" for e in errors[:10])


def _permalink_query(permalink: str) -> str:
    parts = urlsplit(permalink)
    assert parts.path == "/" and parts.query
    return parts.query


def preset_body(preset) -> dict:
    inp = preset.example
    return {**{name: inp[name].tolist() for name in inp}, "variant": inp.variant,
            "concat": inp.concat, **inp.options}


# ------------------------------------------------------------------------------ the document

def test_the_document_is_valid_openapi_3_1(doc):
    assert doc["openapi"].startswith("3.1.")
    validate_spec(doc)  # detects 3.1 from the document; raises on any error


def test_the_document_is_served_once_built_and_the_same_each_time(client, doc):
    r = client.get(DOC)
    assert r.status_code == 200 and r.get_json() == doc
    assert json.loads(json.dumps(doc)) == doc  # plain JSON data throughout


def test_the_document_is_generated_from_the_field_table_and_the_cells(doc):
    schemas = doc["components"]["schemas"]
    request = schemas["Request"]
    assert list(request["properties"]) == [*ALL_FIELDS, *ANSWER_OPTIONS, "compare"]
    assert request["additionalProperties"] is False and request["required"] == ["x"]
    assert [v for v in request["properties"]["variant"]["enum"] if v] == list(VARIANTS)
    answer = schemas["Answer"]["properties"]
    for spec in VARIANTS.values():
        for name in spec.outputs:
            assert spec.name in answer[name]["description"], (spec.name, name)
            assert name in schemas["TimeStep"]["properties"]
    assert set(answer["grads"]["properties"]) == set(ARRAY_FIELDS)
    assert schemas["Step"]["properties"]["op"]["enum"] == list(PRIMITIVES)
    get = doc["paths"][API]["get"]
    assert [p["name"] for p in get["parameters"]] == ["v", "z", *ALL_FIELDS, *ANSWER_OPTIONS]
    assert all(p["in"] == "query" and not p["required"] for p in get["parameters"])
    post = doc["paths"][API]["post"]
    assert set(post["responses"]) == {"200", "400", "413"}
    assert set(get["responses"]) == {"200", "400"}


def test_the_strict_check_catches_an_undocumented_field(client, doc):
    data = client.post(API, json=preset_body(PRESETS[0])).get_json()
    answer = _validator(doc, "#/components/schemas/Answer")
    assert answer.is_valid(data)
    assert not answer.is_valid({**data, "surprise": 1})
    assert not answer.is_valid({**data, "steps": [{**data["steps"][0], "surprise": 1}]})
    assert _validator(doc, "#/components/schemas/Answer", strict=False).is_valid({**data, "surprise": 1})


def test_the_request_examples_are_the_presets_and_valid(doc):
    examples = doc["paths"][API]["post"]["requestBody"]["content"]["application/json"]["examples"]
    assert list(examples) == [p.key for p in PRESETS]
    for example in examples.values():
        request_conforms(doc, example["value"])


# ----------------------------------------------------------------------- real answers conform

@pytest.mark.parametrize("preset", PRESETS, ids=[p.key for p in PRESETS])
def test_every_preset_answer_conforms_posted_and_by_its_permalink(client, doc, preset):
    body = preset_body(preset)
    request_conforms(doc, body)
    posted = conforms(doc, client.post(API, json=body), "POST")
    assert posted["variant"] == preset.example.variant
    got = conforms(doc, client.get(f"{API}?{_permalink_query(posted['permalink'])}"), "GET")
    assert got == posted


CASES = [dict(variant=v, T=T, output=k, concat=c) for v in VARIANTS
         for T, k, c in ((1, 0, "hx"), (3, 2, "xh"))]
CASES += [dict(variant="gru", gru_reset="before", T=2, output=1),
          dict(variant="lstm", output=2, dy=False, dC=False, n=1, m=1, T=4)]


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()))
def test_random_examples_of_every_cell_conform(client, doc, case):
    rng = np.random.default_rng(8)
    body = api_body(random_example(rng, **case))
    if case.get("n") == 1 and case["T"] > 1:
        body["T"] = case["T"]  # a sequence of single numbers says how many steps it has
    request_conforms(doc, body)
    posted = conforms(doc, client.post(API, json=body), "POST")
    assert posted["T"] == case["T"] and len(posted["timesteps"]) == case["T"]
    assert ("y" in posted) == bool(case["output"])
    got = conforms(doc, client.get(f"{API}?{_permalink_query(posted['permalink'])}"), "GET")
    assert got == posted


def test_an_example_too_large_for_a_link_conforms(client, doc):
    body = api_body(random_example(np.random.default_rng(3), "lstm", n=32, m=32))
    data = conforms(doc, client.post(API, json=body), "POST")
    assert data["permalink"] is None and data["permalink_note"]


def test_a_paged_answer_and_one_without_its_steps_conform(client, doc):
    body = api_body(random_example(np.random.default_rng(4), "peephole", n=32, m=32, T=3, output=32))
    request_conforms(doc, {**body, "time": 2, "include_grad_steps": False})
    data = conforms(doc, client.post(API, json=body), "POST")
    assert data["paged"]["time"] == 3 and data["paged"]["T"] == 3
    data = conforms(doc, client.post(API, json={**body, "time": 2, "include_grad_steps": False}), "POST")
    assert data["paged"]["time"] == 2 and data["omitted"] == ["grad_steps"] and data["grad_steps"] == []


def test_a_compact_permalink_conforms(client, doc):
    body = api_body(random_example(np.random.default_rng(4), "peephole", n=4, m=3, T=3, output=2))
    posted = conforms(doc, client.post(API, json=body), "POST")
    query = _permalink_query(posted["permalink"])
    assert "z=" in query
    assert conforms(doc, client.get(f"{API}?{query}"), "GET") == posted


# ---------------------------------------------------------------------------- errors conform

GOOD = preset_body(PRESETS[0])

BAD_POSTS = {
    "bad shape": {**GOOD, "W_f": [[1, 2, 3], [4, 5, 6], [7, 8, 9]]},
    "ragged": {**GOOD, "W_i": [[1, 2, 3, 4, 5, 6], [1, 2]]},
    "unknown field": {**GOOD, "Wf": [1]},
    "not a number": {**GOOD, "x": [1, "two", 3]},
    "too large a number": {**GOOD, "b_f": [1, 2, 1e7]},
    "unknown variant": {**GOOD, "variant": "rnn"},
    "unused field": {**GOOD, "variant": "gru"},
    "missing x": {k: v for k, v in GOOD.items() if k != "x"},
    "not an object": [1, 2, 3],
}


@pytest.mark.parametrize("body", BAD_POSTS.values(), ids=BAD_POSTS)
def test_bad_bodies_answer_400_as_documented(client, doc, body):
    data = conforms(doc, client.post(API, json=body), "POST", status=400)
    assert data["errors"]


BAD_TEXT = {
    "bad JSON": b'{"x": [1, 2,',
    "duplicate key": b'{"x": [1], "x": [2]}',
    "not UTF-8": b'{"x": [1, 2, \xff]}',
    "NaN": b'{"x": [NaN, 1]}',
}


@pytest.mark.parametrize("raw", BAD_TEXT.values(), ids=BAD_TEXT)
def test_bad_json_answers_400_as_documented(client, doc, raw):
    conforms(doc, client.post(API, data=raw, content_type="application/json"), "POST", status=400)


@pytest.mark.parametrize("query", ["x=1,2,3&W_f=1,2", "v=2&x=1", "v=1&z=not-a-link", "x=1,2,&h_prev=a"])
def test_bad_queries_answer_400_as_documented(client, doc, query):
    conforms(doc, client.get(f"{API}?{query}"), "GET", status=400)


def test_a_body_over_256_kib_answers_413_as_documented(client, doc):
    raw = b'{"x": [' + b"1, " * (MAX_BODY // 3) + b'1]}'
    assert len(raw) > MAX_BODY
    conforms(doc, client.post(API, data=raw, content_type="application/json"), "POST", status=413)


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_other_methods_answer_405_as_documented(client, doc, method):
    conforms(doc, client.open(API, method=method, json=GOOD), method, status=405)


def test_a_405_says_which_methods_are_allowed(client):
    r = client.put(API, json=GOOD)
    assert r.status_code == 405
    assert {"GET", "POST"} <= set(r.headers.get("Allow", "").replace(" ", "").split(","))


FRAMEWORK_CASES = [("pytorch", "lstm", {}), ("pytorch", "gru", {}), ("keras", "gru", {"reset_after": True}),
                   ("tf1", "lstm", {"forget_bias": 0.5}), ("onnx", "peephole", {}),
                   ("onnx", "gru", {"linear_before_reset": 0})]


@pytest.mark.parametrize("framework, variant, options", FRAMEWORK_CASES, ids=lambda c: str(c))
def test_a_framework_body_and_its_answer_with_match_conform(client, doc, framework, variant, options):
    from app import frameworks  # the layouts: build a framework's tensors from random fields

    rng = np.random.default_rng(5)
    n, m = 3, 2
    gru = variant == "gru"
    gates = ("r", "z", "h") if gru else ("f", "i", "C", "o")
    fields = {f"W_{g}": rng.normal(size=(n, n + m)) for g in gates} | {f"b_{g}": rng.normal(size=n) for g in gates}
    fields |= {f"p_{g}": rng.normal(size=n) for g in "fio"} if variant == "peephole" else {}
    if gru:
        fields["gru_reset"] = "before" if framework == "onnx" else "after"
        if fields["gru_reset"] == "after":
            fields["b_hn"] = rng.normal(size=n)
    tensors = frameworks.from_fields(framework, variant, fields, options)
    body = {"framework": framework, "variant": variant, "x": [0.5, -1.0], "h_prev": [0.1, 0.2, 0.3],
            **options, **{k: v.tolist() for k, v in tensors.items()}, "compare": {"h": [0.0, 0.0, 0.0]}}
    errors = list(_validator(doc, "#/components/schemas/FrameworkRequest", strict=False).iter_errors(body))
    assert not errors, [e.message[:200] for e in errors]
    data = conforms(doc, client.post(API, json=body), "POST")
    assert data["framework"] == framework and data["match"]["first"] is not None
    assert set(data["mapping"]) >= {f"W_{g}" for g in gates}
