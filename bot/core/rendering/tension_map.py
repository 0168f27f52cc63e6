"""A picture of which goals pull against which: goals as nodes, tensions as edges.

A person should understand it without the YAML, so every edge is named: a few tensions
carry their name and figures on the edge itself; more get a number on the edge and a
line in a key beside the picture (name and figures); a tension without figures yet is
dashed and says so. Goals have their name inside their circle. The layout is computed
first, text measured and placed included, and kept (tests check it: every goal drawn,
every edge named, every label inside the canvas and clear of the others), then drawn with
Pillow. Any knowledge the schema accepts fits: long names are shortened with an ellipsis,
and past what can be read (more than ``MAX_LABELLED_EDGES`` tensions, or goals too close
to name) the picture leaves the text out and a note under the title says so, rather than
text piling up or running off the canvas.

Rendering is pure CPU work, so the bot runs it off the event loop, and the result is cached
per knowledge version: it follows every reload and costs nothing between them.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Literal

from PIL import Image, ImageDraw, ImageFont

from bot.core.knowledge.model import Knowledge
from bot.core.text.words import figure_phrases

WIDTH: Final = 1200
HEIGHT: Final = 900
BACKGROUND: Final = (30, 31, 34)
TEXT: Final = (235, 235, 240)
MUTED: Final = (150, 152, 160)
LABEL_BACKGROUND: Final = (43, 45, 49)
INLINE_EDGES: Final = 8  # up to this many tensions are labelled on their edge
MAX_LABELLED_EDGES: Final = 36  # up to this many are numbered, with a key
KEY_WIDTH: Final = 430
# Room kept for the title above and the legend below; labels stay between them.
TOP: Final = 86
BOTTOM: Final = HEIGHT - 66
MARGIN: Final = 8
LABEL_PADDING: Final = (8, 4)  # around a label's text, inside its rounded box
BADGE_RADIUS: Final = 12
# Where along an edge (0 and 1 are the two circles) its label may sit, in order of preference.
ALONG: Final = (0.5, 0.4, 0.6, 0.32, 0.68, 0.25, 0.75, 0.45, 0.55, 0.2, 0.8)

Box = tuple[float, float, float, float]
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
LabelKind = Literal["name", "edge", "badge", "key"]


@dataclass(frozen=True)
class Node:
    goal_id: str
    name: str
    x: float
    y: float
    radius: float
    colour: tuple[int, int, int]


@dataclass(frozen=True)
class Edge:
    tension_id: str
    a: str
    b: str
    title: str
    label: str  # the figures, or "not yet quantified"
    quantified: bool


@dataclass(frozen=True)
class Label:
    """Text placed on the picture: what it says, where, and at what size.

    ``name``: a goal's name (``inside`` its circle, or beside it); ``edge``: a tension's
    name and figures on its edge; ``badge``: a tension's number on its edge; ``key``: the
    tension's line in the key, starting with the same number.
    """

    kind: LabelKind
    owner: str  # the goal or tension id
    lines: tuple[str, ...]
    x: float  # centre
    y: float
    box: Box  # what the text covers, background included
    size: int
    inside: bool = False


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    labels: tuple[Label, ...] = ()
    note: str = ""  # what the picture leaves out, said under the title

    def node(self, goal_id: str) -> Node:
        return next(n for n in self.nodes if n.goal_id == goal_id)

    def labels_of(self, owner: str) -> tuple[Label, ...]:
        return tuple(x for x in self.labels if x.owner == owner)


@dataclass(frozen=True)
class TensionMap:
    png: bytes
    layout: Layout
    version: str


def _rgb(value: int) -> tuple[int, int, int]:
    return (value >> 16 & 0xFF, value >> 8 & 0xFF, value & 0xFF)


@lru_cache(maxsize=32)
def _font(size: int) -> Font:
    return ImageFont.load_default(size=size)


def _width(text: str, font: Font) -> float:
    box = font.getbbox(text)
    return float(box[2] - box[0])


def _line_height(size: int) -> float:
    return size * 1.25


def _clip_to(text: str, font: Font, width: float) -> str:
    """``text``, shortened with an ellipsis where it would be wider than ``width``."""
    if _width(text, font) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with its ellipsis
        middle = (low + high + 1) // 2
        if _width(text[:middle].rstrip() + "…", font) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"


def _overlap(a: Box, b: Box) -> float:
    dx = min(a[2], b[2]) - max(a[0], b[0])
    dy = min(a[3], b[3]) - max(a[1], b[1])
    return dx * dy if dx > 0 and dy > 0 else 0.0


def _centred(x: float, y: float, half_w: float, half_h: float, right: float) -> Box:
    """A box around (x, y), moved (not resized) to lie within the drawing area."""
    x0, y0, x1, y1 = x - half_w, y - half_h, x + half_w, y + half_h
    dx = max(MARGIN - x0, 0.0) or min(right - MARGIN - x1, 0.0)
    dy = max(TOP - y0, 0.0) or min(BOTTOM - y1, 0.0)
    return (x0 + dx, y0 + dy, x1 + dx, y1 + dy)


def _centre(box: Box) -> tuple[float, float]:
    return ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)


def _segment(a: Node, b: Node) -> tuple[float, float, float, float]:
    """The part of the line between two centres that lies outside both circles."""
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    return a.x + ux * a.radius, a.y + uy * a.radius, b.x - ux * b.radius, b.y - uy * b.radius


def _edges(knowledge: Knowledge) -> tuple[Edge, ...]:
    return tuple(
        Edge(
            t.id,
            t.goals[0],
            t.goals[1],
            t.title,
            " · ".join(figure_phrases(t.tradeoff)[:3]) if t.quantified else "not yet quantified",
            t.quantified,
        )
        for t in knowledge.tensions.values()
    )


def _nodes(knowledge: Knowledge, right: float) -> tuple[Node, ...]:
    """Goals evenly on a circle (the first at the top), as large as their spacing allows."""
    goals = list(knowledge.goals.values())
    count = max(len(goals), 1)
    centre_x, centre_y = right / 2, (TOP + BOTTOM) / 2
    ring = min(right, BOTTOM - TOP) / 2 - 80
    spacing = 2 * ring * math.sin(math.pi / count) if count > 1 else 2 * ring
    radius = max(3.0, min(75.0, spacing * 0.4))
    return tuple(
        Node(
            goal.id,
            goal.name,
            centre_x + (ring * math.sin(2 * math.pi * i / count) if count > 1 else 0),
            centre_y - (ring * math.cos(2 * math.pi * i / count) if count > 1 else 0),
            radius,
            _rgb(goal.colour_value),
        )
        for i, goal in enumerate(goals)
    )


def _two_lines(name: str) -> tuple[str, ...]:
    """A name split at the space nearest its middle (one line if it has none)."""
    spaces = [i for i, ch in enumerate(name) if ch == " "]
    if not spaces:
        return (name,)
    cut = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return (name[:cut], name[cut + 1 :])


def _name_inside(node: Node) -> Label | None:
    """The goal's name inside its circle, in the largest font that keeps it clear of the rim."""
    for lines in ((node.name,), _two_lines(node.name)):
        for size in range(22, 10, -1):
            font = _font(size)
            half_h = _line_height(size) * len(lines) / 2
            half_w = max(_width(line, font) for line in lines) / 2 + 2  # the outline
            # The text's corners, with some air, must lie inside the circle.
            if math.hypot(half_w, half_h) <= node.radius - 8:
                box = (node.x - half_w, node.y - half_h, node.x + half_w, node.y + half_h)
                return Label("name", node.goal_id, lines, node.x, node.y, box, size, True)
    return None


def _name_outside(node: Node, centre: tuple[float, float], right: float) -> Label:
    """The goal's name just outside its circle, on the side away from the centre."""
    size = 14
    font = _font(size)
    text = _clip_to(node.name, font, 200)
    half_w, half_h = _width(text, font) / 2 + 3, _line_height(size) / 2
    dx, dy = node.x - centre[0], node.y - centre[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    # Far enough along the outward direction that the box clears the circle.
    reach = node.radius + 4 + abs(ux) * half_w + abs(uy) * half_h
    box = _centred(node.x + ux * reach, node.y + uy * reach, half_w, half_h, right)
    return Label("name", node.goal_id, (text,), *_centre(box), box, size)


def _touches(box: Box, node: Node) -> bool:
    nearest_x = min(max(node.x, box[0]), box[2])
    nearest_y = min(max(node.y, box[1]), box[3])
    return math.hypot(node.x - nearest_x, node.y - nearest_y) < node.radius + 2


def _clash(box: Box, taken: list[Box], nodes: tuple[Node, ...]) -> float:
    """How much a box covers: goals count four times (covered, one cannot tell which it is)."""
    covered = sum(_overlap(box, other) for other in taken)
    for node in nodes:
        if _touches(box, node):
            r = node.radius
            covered += 4 * _overlap(box, (node.x - r, node.y - r, node.x + r, node.y + r))
    return covered


def _on_edge(
    a: Node,
    b: Node,
    half_w: float,
    half_h: float,
    taken: list[Box],
    nodes: tuple[Node, ...],
    right: float,
) -> Box:
    """The first spot along the edge (then beside it) where a box covers nothing."""
    x0, y0, x1, y1 = _segment(a, b)
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    nx, ny = -(y1 - y0) / length, (x1 - x0) / length  # across the edge
    best: tuple[float, Box] | None = None
    for shift in (0.0, 1.0, -1.0, 2.0, -2.0):
        for t in ALONG:
            x = x0 + (x1 - x0) * t + nx * shift * 2 * half_h
            y = y0 + (y1 - y0) * t + ny * shift * 2 * half_h
            box = _centred(x, y, half_w, half_h, right)
            clash = _clash(box, taken, nodes)
            if clash == 0:
                return box
            if best is None or clash < best[0]:
                best = (clash, box)
    assert best is not None
    return best[1]


def _edge_label(
    edge: Edge, a: Node, b: Node, taken: list[Box], nodes: tuple[Node, ...], right: float
) -> Label:
    """A tension's name, and its figures below, on its edge."""
    size = 16
    lines: tuple[str, ...] = (_clip_to(edge.title, _font(size), 330),)
    if edge.label:
        lines += (_clip_to(edge.label, _font(size - 2), 330),)
    text_w = max(_width(line, _font(size - 2 * i)) for i, line in enumerate(lines))
    half_w = text_w / 2 + LABEL_PADDING[0]
    half_h = sum(_line_height(size - 2 * i) for i in range(len(lines))) / 2 + LABEL_PADDING[1]
    box = _on_edge(a, b, half_w, half_h, taken, nodes, right)
    return Label("edge", edge.tension_id, lines, *_centre(box), box, size)


def _key_line(number: int, edge: Edge, size: int, x: float, y: float) -> Label:
    """``3  Title: figures`` in the key; the title gives way so the figures stay whole."""
    font = _font(size)
    room = KEY_WIDTH - 2 * MARGIN - 24
    figures = f": {edge.label}" if edge.label else ""
    title = _clip_to(edge.title, font, max(room * 0.45, room - _width(figures, font)))
    text = _clip_to(title + figures, font, room)
    height = _line_height(size)
    box = (x, y, x + 24 + _width(text, font), y + height)
    return Label("key", edge.tension_id, (str(number), text), *_centre(box), box, size)


def layout(knowledge: Knowledge, width: int = WIDTH, height: int = HEIGHT) -> Layout:
    """Where every goal, tension and piece of text goes."""
    edges = _edges(knowledge)
    keyed = INLINE_EDGES < len(edges) <= MAX_LABELLED_EDGES
    right = width - KEY_WIDTH if keyed else width
    nodes = _nodes(knowledge, right)
    centre = (right / 2, (TOP + BOTTOM) / 2)
    labels: list[Label] = []
    taken: list[Box] = []  # what labels cover so far (names inside circles excepted)
    unnamed = 0
    for node in nodes:
        name = _name_inside(node)
        if name is None:
            name = _name_outside(node, centre, right)
            if _clash(name.box, taken, nodes):
                unnamed += 1  # no room beside its neighbours: left out, and the note says so
                continue
        labels.append(name)
        if not name.inside:
            taken.append(name.box)
    by_id = {n.goal_id: n for n in nodes}
    notes: list[str] = []
    if len(edges) <= INLINE_EDGES:
        for edge in edges:
            label = _edge_label(edge, by_id[edge.a], by_id[edge.b], taken, nodes, right)
            labels.append(label)
            taken.append(label.box)
    elif keyed:
        size = 15 if len(edges) <= 24 else 13
        step = min(_line_height(size) + 8, (BOTTOM - TOP) / len(edges))
        for number, edge in enumerate(edges, start=1):
            half = BADGE_RADIUS
            box = _on_edge(by_id[edge.a], by_id[edge.b], half, half, taken, nodes, right)
            labels.append(Label("badge", edge.tension_id, (str(number),), *_centre(box), box, 12))
            taken.append(box)
            y = TOP + (number - 1) * step
            labels.append(_key_line(number, edge, size, right + MARGIN, y))
    else:
        notes.append(f"{len(edges):,} tensions are too many to name here; the list names them all")
    if unnamed:
        notes.append(f"{unnamed:,} of {len(nodes):,} goals are too close together to name")
    return Layout(width, height, nodes, edges, tuple(labels), "; ".join(notes))


def _line(
    draw: ImageDraw.ImageDraw,
    start: tuple[float, float],
    end: tuple[float, float],
    colour: tuple[int, int, int],
    width: int,
    dashed: bool,
) -> None:
    if not dashed:
        draw.line([start, end], fill=colour, width=width)
        return
    length = math.hypot(end[0] - start[0], end[1] - start[1])
    dash, gap = 14.0, 10.0
    travelled = 0.0
    while travelled < length:
        t0, t1 = travelled / length, min(travelled + dash, length) / length
        draw.line(
            [
                (start[0] + (end[0] - start[0]) * t0, start[1] + (end[1] - start[1]) * t0),
                (start[0] + (end[0] - start[0]) * t1, start[1] + (end[1] - start[1]) * t1),
            ],
            fill=colour,
            width=width,
        )
        travelled += dash + gap


def _draw_edge_label(pen: ImageDraw.ImageDraw, label: Label, quantified: bool) -> None:
    pen.rounded_rectangle(label.box, radius=8, fill=LABEL_BACKGROUND)
    y = label.box[1] + LABEL_PADDING[1]
    for index, line in enumerate(label.lines):
        size = label.size - 2 * index  # the figures a little smaller than the name
        colour = TEXT if index == 0 or quantified else MUTED
        pen.text(
            (label.x, y + _line_height(size) / 2), line, font=_font(size), fill=colour, anchor="mm"
        )
        y += _line_height(size)


def _draw_name(pen: ImageDraw.ImageDraw, label: Label) -> None:
    height = _line_height(label.size)
    y = label.y - height * len(label.lines) / 2
    for line in label.lines:
        pen.text(
            (label.x, y + height / 2),
            line,
            font=_font(label.size),
            fill=(255, 255, 255),
            anchor="mm",
            stroke_width=2,
            stroke_fill=(20, 20, 20),
        )
        y += height


def _draw_badge(pen: ImageDraw.ImageDraw, label: Label) -> None:
    pen.ellipse(label.box, fill=LABEL_BACKGROUND, outline=TEXT, width=1)
    pen.text((label.x, label.y), label.lines[0], font=_font(label.size), fill=TEXT, anchor="mm")


def _draw_key_line(pen: ImageDraw.ImageDraw, label: Label, quantified: bool) -> None:
    number, text = label.lines
    font = _font(label.size)
    x0, y0, _, y1 = label.box
    middle = (y0 + y1) / 2
    pen.text((x0 + 20, middle), number, font=font, fill=MUTED, anchor="rm")
    pen.text((x0 + 24, middle), text, font=font, fill=TEXT if quantified else MUTED, anchor="lm")


def draw(plan: Layout, title: str) -> bytes:
    image = Image.new("RGB", (plan.width, plan.height), BACKGROUND)
    pen = ImageDraw.Draw(image)
    count = len(plan.edges)
    edge_width = 6 if count <= 20 else 3 if count <= 200 else 1
    by_id = {n.goal_id: n for n in plan.nodes}
    for edge in plan.edges:
        a, b = by_id[edge.a], by_id[edge.b]
        x0, y0, x1, y1 = _segment(a, b)
        middle = ((x0 + x1) / 2, (y0 + y1) / 2)
        dashed = not edge.quantified and count <= 200  # dashes are lost in a dense picture
        _line(pen, (x0, y0), middle, a.colour, edge_width, dashed)
        _line(pen, middle, (x1, y1), b.colour, edge_width, dashed)
    for node in plan.nodes:
        r = node.radius
        pen.ellipse(
            (node.x - r, node.y - r, node.x + r, node.y + r),
            fill=node.colour,
            outline=TEXT,
            width=3 if r >= 12 else 1,
        )
    quantified = {e.tension_id: e.quantified for e in plan.edges}
    for label in plan.labels:
        if label.kind == "name":
            _draw_name(pen, label)
        elif label.kind == "edge":
            _draw_edge_label(pen, label, quantified[label.owner])
        elif label.kind == "badge":
            _draw_badge(pen, label)
        else:
            _draw_key_line(pen, label, quantified[label.owner])
    pen.text((30, 24), title, font=_font(30), fill=TEXT)
    if plan.note:
        note = _font(15)
        pen.text(
            (30, TOP - 16),
            _clip_to(plan.note, note, plan.width - 60),
            font=note,
            fill=MUTED,
            anchor="lm",
        )
    legend = _font(18)
    y = plan.height - 40
    _line(pen, (30, y), (90, y), TEXT, 5, False)
    pen.text((100, y), "known tradeoff (figures)", font=legend, fill=TEXT, anchor="lm")
    _line(pen, (360, y), (420, y), MUTED, 5, True)
    pen.text((430, y), "not yet quantified", font=legend, fill=MUTED, anchor="lm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


# What ``tensionbot map`` writes, by file extension (Pillow encodes all three).
FORMATS: Final = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}


def encode(rendered: TensionMap, image_format: str) -> bytes:
    """The map in another format than the PNG the bot attaches."""
    if image_format == "PNG":
        return rendered.png
    out = io.BytesIO()
    Image.open(io.BytesIO(rendered.png)).convert("RGB").save(out, format=image_format, quality=90)
    return out.getvalue()


@lru_cache(maxsize=4)
def render(knowledge: Knowledge) -> TensionMap:
    """The map for one knowledge version (cached: a Knowledge never changes)."""
    plan = layout(knowledge)
    count = len(knowledge.tensions)
    title = f"Goal tensions: {count:,} between {len(knowledge.goals):,} goals"
    return TensionMap(draw(plan, title), plan, knowledge.fingerprint)
