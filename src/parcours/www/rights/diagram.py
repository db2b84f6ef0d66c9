"""The small diagram of a blocked pathway, drawn on the server as SVG (issue 12, item 4).

The requests are boxes stacked from top to bottom, each arrow going to the request it waits
for, with what it asks for written beside the arrow. A cycle has one more arrow, back up the
left side from the last request to the first: the circle nobody can enter. A chain ends on the
stuck request, drawn apart. Only coordinates are computed here; the template writes the SVG
(no script, no style attribute: colours come from the stylesheet's classes, which the page's
Content-Security-Policy allows), so every label is escaped like any text of the page. The
drawing has a fixed width and scales to the screen (its ``viewBox``), readable at 375 px.
"""

import textwrap
from dataclasses import dataclass, field

WIDTH = 290
NODE_X, NODE_W = 26, 176  # the boxes, right of the way back
LINE = 16  # the height of a line of text
PAD = 8
ARROW_X = NODE_X + NODE_W // 2
LABEL_X = ARROW_X + 10  # what a request asks for, right of its arrow
BACK_X = 10  # the way back of a cycle, up the left side
NODE_CHARS, LABEL_CHARS = 24, 22


@dataclass
class Text:
    x: int
    y: int
    text: str
    anchor: str = "start"


@dataclass
class Box:
    x: int
    y: int
    w: int
    h: int
    lines: list[Text]
    stuck: bool = False


@dataclass
class Arrow:
    path: str
    lines: list[Text] = field(default_factory=list)


@dataclass
class Diagram:
    height: int
    boxes: list[Box]
    arrows: list[Arrow]
    width: int = WIDTH


def _wrap(text: str, chars: int, most: int = 3) -> list[str]:
    lines = textwrap.wrap(str(text), chars) or [""]
    if len(lines) > most:
        lines = [
            *lines[: most - 1],
            textwrap.shorten(" ".join(lines[most - 1 :]), chars, placeholder="…"),
        ]
    return lines


def draw(nodes: list[str], asks: list[str], closed: bool, stuck: str = "") -> Diagram:
    """``nodes``: the requests in order, each waiting for the next; ``asks[i]``: what node ``i``
    asks of node ``i + 1`` (of the first one, for the last node of a ``closed`` cycle);
    ``stuck``: a line written in the last box of a chain (why it is stuck)."""
    boxes, arrows = [], []
    y = PAD
    for index, label in enumerate(nodes):
        lines = _wrap(label, NODE_CHARS)
        last = index == len(nodes) - 1
        if last and stuck:
            lines.append(stuck)
        height = LINE * len(lines) + 2 * PAD
        texts = [
            Text(NODE_X + NODE_W // 2, y + PAD + LINE * (i + 1) - 4, line, "middle")
            for i, line in enumerate(lines)
        ]
        boxes.append(Box(NODE_X, y, NODE_W, height, texts, stuck=bool(last and stuck)))
        y += height
        if last:
            break
        label_lines = _wrap(asks[index], LABEL_CHARS)
        gap = max(LINE * len(label_lines) + 2 * PAD, 36)
        arrows.append(
            Arrow(
                f"M {ARROW_X} {y} L {ARROW_X} {y + gap - 2}",
                [
                    Text(LABEL_X, y + PAD + LINE * (i + 1) - 4, line)
                    for i, line in enumerate(label_lines)
                ],
            )
        )
        y += gap
    if closed and len(boxes) > 1:
        first, end = boxes[0], boxes[-1]
        bottom, top = end.y + end.h // 2, first.y + first.h // 2
        label_lines = _wrap(asks[-1], LABEL_CHARS)
        arrows.append(
            Arrow(
                f"M {NODE_X} {bottom} L {BACK_X} {bottom} L {BACK_X} {top} L {NODE_X - 2} {top}",
                [
                    Text(NODE_X + 4, end.y + end.h + PAD + LINE * (i + 1) - 4, line)
                    for i, line in enumerate(label_lines)
                ],
            )
        )
        y = end.y + end.h + PAD + LINE * len(label_lines) + PAD
    return Diagram(height=y + PAD, boxes=boxes, arrows=arrows)
