"""The price importer's name matching."""

import pytest

from kg.prices import _name_match_is_safe


@pytest.mark.parametrize(("model_id", "name", "safe"), [
    ("gpt-4-32k", "gpt 4", False),
    ("gemini-flash-1.5-8b", "gemini 1.5 flash", False),
    ("meta.llama3-1-70b-instruct-v1:0", "Llama 3.1 70B Instruct", True),
    ("Qwen/Qwen3.5-35B-A3B-FP8", "Qwen3.5 35B A3B", True),
    ("glm-4p7", "GLM-4.7", True),
])
def test_generic_display_names_do_not_capture_sized_variants(model_id, name, safe):
    assert _name_match_is_safe(model_id, name) is safe
