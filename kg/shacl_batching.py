"""Make pySHACL check each property shape once for all its focus nodes, not once per node.

pySHACL (0.40) evaluates ``sh:property`` by calling the property shape's ``validate`` once per
value node; each call re-reads the shape's parameters and rebuilds its constraint objects, which
costs more than the checks themselves on graphs of thousands of claims (measured: 80% of the
time). ``Shape.validate`` accepts a list of focus nodes and reports per node, so one call with all
the value nodes gives the same reports. Only the call pattern changes; every constraint is still
pySHACL's own. The patch is applied to the pySHACL versions it was checked against
(``tests/test_shacl_batching.py`` compares both ways on a graph full of violations); any other
version runs unpatched.
"""

from typing import Any

CHECKED_VERSIONS = ("0.40.",)


def _batched_property_shape(original: Any) -> Any:
    """``PropertyConstraintComponent._evaluate_property_shape`` with one call for all value nodes."""

    def evaluate(self: Any, executor: Any, prop_shape: Any, target_graph: Any, focus_value_nodes: dict,
                 potentially_recursive: Any, _evaluation_path: list) -> tuple[bool, list]:
        shape = self.shape.get_other_shape(prop_shape)
        recursive = potentially_recursive and shape in potentially_recursive
        if not shape or not shape.is_property_shape or recursive:
            return original(self, executor, prop_shape, target_graph, focus_value_nodes,
                            potentially_recursive, _evaluation_path)  # its own errors and warnings
        values = list(dict.fromkeys(v for nodes in focus_value_nodes.values() for v in nodes))
        if not values:
            return False, []
        conforms, reports = shape.validate(executor, target_graph, focus=values,
                                           _evaluation_path=_evaluation_path[:])
        return not conforms, reports

    evaluate.batched = True  # type: ignore[attr-defined]
    evaluate.original = original  # type: ignore[attr-defined]
    return evaluate


def install() -> bool:
    """Apply the batching to pySHACL if its version was checked; True when it is in effect."""
    import pyshacl
    from pyshacl.constraints.core.shape_based_constraints import PropertyConstraintComponent

    current = PropertyConstraintComponent._evaluate_property_shape
    if getattr(current, "batched", False):
        return True
    if not pyshacl.__version__.startswith(CHECKED_VERSIONS):
        return False
    PropertyConstraintComponent._evaluate_property_shape = _batched_property_shape(current)
    return True


def uninstall() -> None:
    """Restore pySHACL's own per-node evaluation (for comparisons)."""
    from pyshacl.constraints.core.shape_based_constraints import PropertyConstraintComponent

    current = PropertyConstraintComponent._evaluate_property_shape
    original = getattr(current, "original", None)
    if original is not None:
        PropertyConstraintComponent._evaluate_property_shape = original
