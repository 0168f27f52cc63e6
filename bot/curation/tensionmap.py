"""A picture of which goals pull against which: goals as nodes, tensions as edges.

The layout is computed first and kept (tests check it: every goal drawn, every tension an
edge), then drawn with Pillow. Each edge is drawn half in each goal's colour and labelled
with the tradeoff's figures; a tension without figures yet is dashed. Rendering is pure
CPU work, so the bot runs it off the event loop, and the result is cached per knowledge
version: it follows every reload and costs nothing between them.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from PIL import Image, ImageDraw, ImageFont

from bot.core.knowledge.model import Knowledge
from bot.core.matching.text import figure_phrases

WIDTH: Final = 1200
HEIGHT: Final = 900
BACKGROUND: Final = (30, 31, 34)
TEXT: Final = (235, 235, 240)
MUTED: Final = (150, 152, 160)
LABEL_BACKGROUND: Final = (43, 45, 49)
MAX_LABELLED_EDGES: Final = 40


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
    label: str
    quantified: bool


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def node(self, goal_id: str) -> Node:
        return next(n for n in self.nodes if n.goal_id == goal_id)


@dataclass(frozen=True)
class TensionMap:
    png: bytes
    layout: Layout
    version: str


def _rgb(value: int) -> tuple[int, int, int]:
    return (value >> 16 & 0xFF, value >> 8 & 0xFF, value & 0xFF)


def layout(knowledge: Knowledge, width: int = WIDTH, height: int = HEIGHT) -> Layout:
    """Goals evenly on a circle (the first at the top); one straight edge per tension."""
    goals = list(knowledge.goals.values())
    count = max(len(goals), 1)
    centre_x, centre_y = width / 2, height / 2 + 20
    ring = min(width, height) / 2 - 150
    radius = max(18.0, min(75.0, ring * math.sin(math.pi / count) * 0.8)) if count > 1 else 75.0
    nodes = tuple(
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
    edges = tuple(
        Edge(
            t.id,
            t.goals[0],
            t.goals[1],
            " · ".join(figure_phrases(t.tradeoff)[:3]) if t.quantified else "not yet quantified",
            t.quantified,
        )
        for t in knowledge.tensions.values()
    )
    return Layout(width, height, nodes, edges)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _fitting(
    pen: ImageDraw.ImageDraw, text: str, width: float
) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The largest font, 24 px down to 10, in which ``text`` fits ``width``."""
    for size in range(24, 9, -1):
        font = _font(size)
        if pen.textlength(text, font=font) <= width:
            return font
    return _font(10)


def _segment(a: Node, b: Node) -> tuple[float, float, float, float]:
    """The part of the line between two centres that lies outside both circles."""
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    return a.x + ux * a.radius, a.y + uy * a.radius, b.x - ux * b.radius, b.y - uy * b.radius


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


def draw(plan: Layout, title: str) -> bytes:
    image = Image.new("RGB", (plan.width, plan.height), BACKGROUND)
    pen = ImageDraw.Draw(image)
    edge_width = 6 if len(plan.edges) <= 20 else 2
    for edge in plan.edges:
        a, b = plan.node(edge.a), plan.node(edge.b)
        x0, y0, x1, y1 = _segment(a, b)
        middle = ((x0 + x1) / 2, (y0 + y1) / 2)
        _line(pen, (x0, y0), middle, a.colour, edge_width, not edge.quantified)
        _line(pen, middle, (x1, y1), b.colour, edge_width, not edge.quantified)
    if len(plan.edges) <= MAX_LABELLED_EDGES:
        font = _font(20)
        for edge in plan.edges:
            a, b = plan.node(edge.a), plan.node(edge.b)
            x0, y0, x1, y1 = _segment(a, b)
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            box = pen.textbbox((cx, cy), edge.label, font=font, anchor="mm")
            pen.rounded_rectangle(
                (box[0] - 8, box[1] - 5, box[2] + 8, box[3] + 5), radius=8, fill=LABEL_BACKGROUND
            )
            pen.text(
                (cx, cy),
                edge.label,
                font=font,
                fill=TEXT if edge.quantified else MUTED,
                anchor="mm",
            )
    for node in plan.nodes:
        r = node.radius
        pen.ellipse(
            (node.x - r, node.y - r, node.x + r, node.y + r),
            fill=node.colour,
            outline=TEXT,
            width=3,
        )
        pen.text(
            (node.x, node.y),
            node.name,
            font=_fitting(pen, node.name, 2 * r - 12),
            fill=(255, 255, 255),
            anchor="mm",
            stroke_width=2,
            stroke_fill=(20, 20, 20),
        )
    pen.text((30, 24), title, font=_font(30), fill=TEXT)
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
    title = f"Goal tensions: {count} between {len(knowledge.goals)} goals"
    return TensionMap(draw(plan, title), plan, knowledge.fingerprint)
