"""Validate TOML files against JSON Schemas with Python's jsonschema (an
implementation independent of vendorscore's) and print the errors as JSON.

usage: jsonschema_check.py SCHEMA TOML [SCHEMA TOML ...]
"""
import json
import sys
import tomllib

from jsonschema import Draft202012Validator

results = []
for schema_path, toml_path in zip(sys.argv[1::2], sys.argv[2::2]):
    with open(schema_path) as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    with open(toml_path, "rb") as f:
        # TOML dates become ISO strings, as the schemas describe them.
        document = json.loads(json.dumps(tomllib.load(f), default=str))
    errors = Draft202012Validator(schema).iter_errors(document)
    results.append({
        "file": toml_path,
        "errors": [{"path": "/".join(map(str, e.absolute_path)), "message": e.message} for e in errors],
    })
print(json.dumps(results))
