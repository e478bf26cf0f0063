"""Text tables: sized to the width, wrapped without losing characters, wide characters counted as two."""

from rich.cells import cell_len

from kg.text_table import column_widths, text_table, wrap_cell


def test_columns_keep_their_natural_width_when_everything_fits():
    assert column_widths([3, 10, 5], 40) == [3, 10, 5]


def test_narrow_columns_keep_their_width_and_wide_ones_share_the_rest():
    assert column_widths([3, 50, 80], 43, minimum=[3, 4, 4]) == [3, 20, 20]


def test_header_words_are_not_broken_when_the_minimums_fit():
    text = text_table(["category", "benchmark"], [["agentic " * 10, "x" * 90]], width=40)
    assert "category" in text and "benchmark" in text
    assert max(cell_len(line) for line in text.splitlines()) <= 40


def test_wide_characters_count_two_columns_and_lines_fit():
    cells = [["通义千问" * 8, "τ-bench [airline]"]]
    text = text_table(["模型", "benchmark"], cells, width=40)
    assert max(cell_len(line) for line in text.splitlines()) <= 40
    assert "".join(text.split()).count("通义千问") >= 7  # a break may fall inside one repetition


def test_wrapping_keeps_every_non_space_character():
    note = "pass@1 averaged over 8 samples with a 64k-token thinking budget and no tools " * 4
    lines = wrap_cell(note, 17)
    assert all(cell_len(line) <= 17 for line in lines)
    assert "".join("".join(lines).split()) == "".join(note.split())


def test_cells_with_newlines_become_several_lines():
    text = text_table(["a", "b"], [["one\ntwo", "x"]], width=60)
    assert "one" in text.splitlines()[3] and "two" in text.splitlines()[4]
