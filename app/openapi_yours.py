"""The OpenAPI document's parts for your framework (`openapi.py` assembles them): POST
/api/v1/import's request and answer, and the `export` links of every answer."""
from __future__ import annotations


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def export() -> dict:
    return {"type": "object", "required": ["numpy", "pytorch", "keras", "tensors"],
            "description": "Same-origin paths of scripts that "
                           "rebuild the example in NumPy, PyTorch and Keras and print h and C, and of its "
                           "tensors in every framework's layout (JSON). A script a framework cannot have "
                           "(its cell is not a layer there) answers 404 with the reason. Null when the "
                           "example is too large for a link.",
            "properties": {kind: {"type": "string"} for kind in ("numpy", "pytorch", "keras", "tensors")}}


def import_request() -> dict:
    return {"type": "object", "required": ["text"], "additionalProperties": False,
            "properties": {
                "text": {"type": "string", "description": "The printout: print(cell.state_dict()) (PyTorch), "
                                                          "print(layer.get_weights()) (Keras), or JSON of name → "
                                                          "nested lists."},
                "framework": {"type": "string", "enum": ["pytorch", "keras", "tf1", "onnx"],
                              "description": "When the names and shapes cannot tell."},
                "variant": {"type": "string", "enum": ["lstm", "gru", "peephole"]},
                "reset_after": {"type": "boolean", "description": "Keras' GRU, when its bias is not given."},
                "forget_bias": {"type": "number", "description": "TF1's (default 1.0)."},
                "linear_before_reset": {"type": "integer", "enum": [0, 1], "description": "ONNX's GRU (default 0)."},
            }}


def import_answer() -> dict:
    arrays = {"type": "object", "additionalProperties": {
        "anyOf": [{"type": "string"}, ref("Value"), {"type": "array", "items": ref("Matrix")}]}}
    return {"type": "object",
            "required": ["framework", "variant", "n", "m", "options", "tensors", "fields", "mapping", "notes"],
            "properties": {
                "framework": {"type": "string", "enum": ["pytorch", "keras", "tf1", "onnx"]},
                "variant": {"type": "string", "enum": ["lstm", "gru", "peephole"]},
                "n": {"type": "integer", "minimum": 1}, "m": {"type": "integer", "minimum": 1},
                "options": {"type": "object", "description": "reset_after, forget_bias, linear_before_reset as used."},
                "tensors": {**arrays, "description": "Their tensors by their own names (PyTorch's _l0 and any "
                                                     "module prefix dropped)."},
                "fields": {**arrays, "description": "Our fields (W_f, b_f, …; settings as strings): POST them "
                                                    "with x to /api/v1/lstm."},
                "mapping": {"type": "object", "description": "Each of our fields: how it was made from theirs."},
                "notes": {"type": "array", "items": {"type": "string"}},
            }}


def import_path() -> dict:
    return {"post": {
        "operationId": "postImport",
        "summary": "Read a framework's printout: its tensors, which framework and cell, and our fields",
        "description": "The framework (and cell, n, m) is recognised from the tensors' names and shapes; "
                       "when it cannot be, a 400 whose error's field names what to choose (framework, "
                       "variant, reset_after).",
        "requestBody": {"required": True, "content": {"application/json": {"schema": ref("ImportRequest")}}},
        "responses": {"200": {"description": "The printout read.",
                              "content": {"application/json": {"schema": ref("ImportAnswer")}}},
                      "400": {"$ref": "#/components/responses/BadRequest"},
                      "413": {"$ref": "#/components/responses/TooLarge"}},
    }}
