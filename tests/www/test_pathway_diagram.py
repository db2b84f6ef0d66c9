"""The drawing of a blocked pathway (www/rights/diagram.py): every request in its box, in order,
nothing drawn outside the drawing, long names cut to three lines, a cycle's way back."""

from parcours.www.rights.diagram import WIDTH, draw

LONG = "Aide sociale à l'enfance — accompagnement des jeunes majeurs sortant de placement " * 2


def _inside(diagram):
    for box in diagram.boxes:
        assert 0 <= box.x and box.x + box.w <= WIDTH and box.y + box.h <= diagram.height
        for text in box.lines:
            assert box.y < text.y < box.y + box.h


def test_a_cycle_has_its_boxes_in_order_and_one_arrow_back():
    d = draw(
        ["Hébergement", "Insertion", "Assurance maladie"],
        ["contrat", "couverture", "adresse"],
        closed=True,
    )
    assert [b.lines[0].text for b in d.boxes] == ["Hébergement", "Insertion", "Assurance maladie"]
    assert [b.y for b in d.boxes] == sorted(b.y for b in d.boxes)
    assert len(d.arrows) == 3 and d.arrows[-1].lines[0].text == "adresse"
    _inside(d)


def test_a_chain_has_no_way_back_and_its_last_box_says_why():
    d = draw(["Hébergement", "Assurance maladie"], ["couverture"], closed=False, stuck="Refusée")
    assert len(d.arrows) == 1
    assert d.boxes[-1].stuck and d.boxes[-1].lines[-1].text == "Refusée"
    assert not d.boxes[0].stuck


def test_a_long_name_is_cut_to_three_lines_and_the_drawing_grows_with_it():
    short = draw(["A", "B"], ["x"], closed=True)
    long = draw([LONG, "B"], [LONG], closed=True)
    assert len(long.boxes[0].lines) == 3 and long.boxes[0].lines[-1].text.endswith("…")
    assert long.height > short.height
    _inside(long)
