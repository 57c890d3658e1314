"""The SVG drawing functions: well-formed, labelled, scaled to the numbers."""

import re
from datetime import date
from xml.etree import ElementTree

from django.test import SimpleTestCase

from undersigned.signatures.public import DayRow, RegionRow
from undersigned.web import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own output, parsed to check it
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title") is not None
    assert "style=" not in svg and "<script" not in svg
    return root


class ChartsTest(SimpleTestCase):
    def test_nice_steps(self) -> None:
        assert [charts.nice_step(n) for n in (3, 10, 23, 99, 1000, 4321)] == [
            1,
            2,
            5,
            20,
            200,
            1000,
        ]

    def test_timeline_lines_rise_with_the_totals(self) -> None:
        rows = [DayRow(date(2022, 9, 12), 19, 19), DayRow(date(2022, 9, 13), 103, 40)]
        root = parse(charts.timeline_svg(rows, title="T", received="Received", verified="Verified"))
        lines = root.findall(f"{SVG}polyline")
        assert len(lines) == 2
        verified_points = [
            tuple(map(float, p.split(","))) for p in lines[1].get("points", "").split()
        ]
        assert verified_points[0][1] > verified_points[-1][1]  # higher count, higher on the page
        texts = [t.text for t in root.iter(f"{SVG}text")]
        assert "2022-09-12" in texts and "2022-09-13" in texts
        assert "Received" in texts and "Verified" in texts

    def test_empty_timeline_still_draws(self) -> None:
        parse(charts.timeline_svg([], title="T", received="R", verified="V"))

    def test_region_bars_are_proportional_and_escaped(self) -> None:
        rows = [RegionRow("RU-IRK", "Irkutsk <b>", 10, 0), RegionRow("RU-PRI", "Primorye", 5, 5)]
        svg = charts.regions_svg(rows, title="R", verified="Verified", checking="Checking")
        root = parse(svg)
        widths = [float(r.get("width", 0)) for r in root.findall(f"{SVG}rect")[3:]]
        assert widths[0] == widths[2] * 2  # 10 verified against 5
        assert "Irkutsk &lt;b&gt;" in svg

    def test_map_colours_regions_by_verified_count(self) -> None:
        rows = [RegionRow("RU-SPE", "SPb", 40, 0), RegionRow("RU-IRK", "Irkutsk", 1, 3)]
        svg = charts.map_svg(
            rows, {"RU-SPE": "Saint Petersburg"}, title="Map", legend_title="Verified"
        )
        root = parse(svg)
        fills = {p.get("data-region"): p.get("fill") for p in root.findall(f"{SVG}path")}
        assert fills["RU-SPE"] == charts.MAP_SCALE[-1]
        assert fills["RU-IRK"] == charts.MAP_SCALE[0]
        assert fills["RU-MOW"] == charts.NO_DATA
        assert "Saint Petersburg: 40" in svg

    def test_map_covers_russias_subdivisions_crimea_and_sevastopol(self) -> None:
        from undersigned.officials.regions import all_regions

        _, _, shapes = charts.map_shapes()
        subdivisions = {r.code for r in all_regions() if r.code.startswith("RU-")}
        assert len(subdivisions) == 83
        assert subdivisions | {"X-CR", "X-SEV"} == set(shapes)
        assert all(re.fullmatch(r"(M[-\d.,L]+Z)+", d) for d in shapes.values())

    def test_counted_regions_without_a_shape_are_listed_under_the_map(self) -> None:
        rows = [RegionRow("X-ZAP", "Zaporozhye", 2, 0), RegionRow("X-DON", "Donetsk", 0, 4)]
        svg = charts.map_svg(
            rows, {}, title="Map", legend_title="Verified", unmapped_title="Elsewhere:"
        )
        parse(svg)
        assert "Elsewhere: Zaporozhye: 2" in svg
        assert "Donetsk" not in svg  # nothing verified there

    def test_map_classes(self) -> None:
        assert charts.map_classes(0) == [1]
        assert charts.map_classes(3) == [1, 2, 3]
        bounds = charts.map_classes(1000)
        assert bounds[0] == 1 and bounds == sorted(set(bounds)) and bounds[-1] == 1000

    def test_comparison_has_a_line_per_campaign(self) -> None:
        series = [
            ("A", [(date(2022, 9, 12), 19), (date(2022, 9, 14), 50)]),
            ("B", [(date(2022, 9, 13), 5)]),
            ("C", []),
        ]
        root = parse(charts.compare_svg(series, title="Compare"))
        assert len(root.findall(f"{SVG}polyline")) == 2
        assert {"A", "B", "C"} <= {t.text for t in root.iter(f"{SVG}text")}
