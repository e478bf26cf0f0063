"""Pictures of lineage: an indented tree for people, Graphviz DOT, Mermaid, and SVG via Graphviz."""

import shutil
import subprocess
from typing import Any

STATUS_STYLE = {"documented": "solid", "reported": "dashed", "alleged": "dotted"}


def lineage_tree(result: dict[str, Any]) -> str:
    """The edges as an indented tree, parents above children, one line per edge."""
    edges = result["edges"]
    if not edges:
        return f"no lineage claims found around {result['model']}"
    lines = [result["model"]]
    start = result["model_id"]

    def describe(edge: dict[str, Any]) -> str:
        cross = " [cross-lab]" if edge["cross_lab"] else ""
        return (f"{edge['relation']}, {edge['status']}{cross}; {edge['child_lab']} <- {edge['parent_lab']};"
                f" {edge['source']} ({edge['locator']})")

    by_endpoint: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for edge in edges:  # each edge filed under both its ends: a walk step looks up, never scans
        for key in ("child_id", "parent_id"):
            by_endpoint.setdefault((key, edge[key]), []).append(edge)

    def walk(node: str, key: str, other: str, arrow: str, depth: int, seen: set[str]) -> None:
        for edge in by_endpoint.get((key, node), ()):
            target = edge[other]
            label = edge[other.removesuffix("_id")]
            lines.append(f"{'    ' * depth}{arrow} {label}  ({describe(edge)})")
            if target not in seen:
                walk(target, key, other, arrow, depth + 1, seen | {target})

    walk(start, "child_id", "parent_id", "built on", 1, {start})
    walk(start, "parent_id", "child_id", "basis of", 1, {start})
    return "\n".join(lines)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lineage_dot(result: dict[str, Any]) -> str:
    """Graphviz DOT: child -> parent, labelled by relation, styled by status, red when cross-lab."""
    lines = ["digraph lineage {", "  rankdir=BT;", "  node [shape=box, fontname=Helvetica];"]
    nodes = {}
    for edge in result["edges"]:
        nodes[edge["child_id"]] = (edge["child"], edge["child_lab"])
        nodes[edge["parent_id"]] = (edge["parent"], edge["parent_lab"])
    for ident, (label, lab) in sorted(nodes.items()):
        lines.append(f"  {_quote(ident)} [label={_quote(label + chr(10) + lab)}];")
    for edge in result["edges"]:
        colour = "red" if edge["cross_lab"] else "black"
        style = STATUS_STYLE.get(edge["status"], "solid")
        label = f"{edge['relation']} ({edge['status']})"
        lines.append(f"  {_quote(edge['child_id'])} -> {_quote(edge['parent_id'])} "
                     f"[label={_quote(label)}, style={style}, color={colour}];")
    lines.append("}")
    return "\n".join(lines)


def lineage_mermaid(result: dict[str, Any]) -> str:
    """Mermaid flowchart of the same edges (dotted arrows for alleged ones)."""
    def node(ident: str) -> str:
        return "n_" + "".join(c if c.isalnum() else "_" for c in ident)

    lines = ["flowchart BT"]
    declared = set()
    for edge in result["edges"]:
        for ident, label in ((edge["child_id"], edge["child"]), (edge["parent_id"], edge["parent"])):
            if ident not in declared:
                declared.add(ident)
                lines.append(f'  {node(ident)}["{label}"]')
        arrow = "-.->" if edge["status"] == "alleged" else "-->"
        lines.append(f"  {node(edge['child_id'])} {arrow}|{edge['relation']}, {edge['status']}| "
                     f"{node(edge['parent_id'])}")
    return "\n".join(lines)


class GraphvizMissing(RuntimeError):
    """SVG output needs Graphviz's ``dot`` command."""


def lineage_svg(result: dict[str, Any]) -> str:
    """SVG rendered by Graphviz ``dot`` (install Debian's ``graphviz`` package)."""
    dot = shutil.which("dot")
    if not dot:
        raise GraphvizMissing("SVG needs Graphviz: install it (e.g. 'apt-get install graphviz') "
                              "or use -F dot and render elsewhere")
    done = subprocess.run([dot, "-Tsvg"], input=lineage_dot(result), capture_output=True,
                          text=True, check=True)
    return done.stdout
