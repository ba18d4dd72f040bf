"""The link graph: passages, entities and what ties them, and a deterministic layout.

Pure functions over plain data (no database, no Qt):

- :func:`build_graph` expands from a centre passage by typed links and by
  entity mentions, hop by hop, up to a depth; or takes a given set of
  passages. Every edge knows the passages (and their grades) behind it.
- :func:`layout` places the nodes with Fruchterman–Reingold. Repulsion is
  computed only between nodes in neighbouring cells of a grid (the cell is
  one and a half ideal edge lengths; farther nodes barely push), so one iteration
  costs about O(n) instead of O(n²) and 500 nodes lay out in well under a
  second. Initial positions come from a seeded generator: the same graph
  always gets the same picture.

Node ids are ``p:<passage id>`` and ``e:<entity key>``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

PASSAGE = "passage"
ENTITY = "entity"
MENTIONS = "mentions"


@dataclass
class Node:
    """One node: a passage (``grade`` set) or an entity (``entity_kind`` set)."""

    id: str
    kind: str  # PASSAGE | ENTITY
    ref: str  # passage id or entity key
    label: str
    grade: str | None = None
    entity_kind: str | None = None
    hop: int = 0  # distance from the centre (0 for the centre)
    x: float = 0.0
    y: float = 0.0


@dataclass
class Edge:
    """A typed link between two passages, or a mention (passage -> entity).

    ``passages``/``grades`` are what stands behind the edge: the two linked
    passages, or the passage that mentions the entity.
    """

    source: str
    target: str
    kind: str  # a link kind, or MENTIONS
    passages: tuple[str, ...] = ()
    grades: tuple[str | None, ...] = ()
    note: str | None = None


@dataclass
class Graph:
    """Nodes and edges; ``center`` is the node id of the centre passage, if any."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    center: str | None = None
    truncated: bool = False

    def node(self, node_id: str) -> Node:
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def node_ids(self) -> set[str]:
        return {n.id for n in self.nodes}

    def edges_of(self, node_id: str) -> list[Edge]:
        return [e for e in self.edges if node_id in (e.source, e.target)]


def pnode(pid: str) -> str:
    return f"p:{pid}"


def enode(key: str) -> str:
    return f"e:{key}"


@dataclass(frozen=True)
class GraphData:
    """What :func:`build_graph` reads, gathered by the caller.

    Args:
        passages: live passage id -> (title, grade badge or None).
        links: (from id, to id, kind, note) between live passages.
        mentions: passage id -> entity keys it mentions.
        entities: entity key -> (name, kind).
    """

    passages: Mapping[str, tuple[str, str | None]]
    links: Sequence[tuple[str, str, str, str | None]]
    mentions: Mapping[str, Iterable[str]]
    entities: Mapping[str, tuple[str, str]]


def build_graph(
    data: GraphData,
    center: str | None = None,
    *,
    ids: Iterable[str] | None = None,
    depth: int = 1,
    max_nodes: int = 500,
    fan_out: int = 40,
) -> Graph:
    """The graph around ``center`` (hops by links and mentions), or over ``ids``.

    From the centre, each hop adds the passages linked to the frontier's
    passages, the entities they mention, and the passages mentioning the
    frontier's entities (at most ``fan_out`` per entity, so "China" does not
    pull in the whole library). An entity is one hop from the passages that
    mention it, so depth 1 shows the centre's links and entities, depth 2
    also the passages sharing those entities.

    Args:
        data: the library's passages, links, mentions and entities.
        center: a passage id, or None for a graph over ``ids``.
        ids: passages to show when there is no centre (all when None).
        depth: 1 to 3 hops from the centre.
        max_nodes: stop adding nodes past this many (``truncated`` is set).
        fan_out: at most this many passages per entity on expansion.

    Returns:
        The graph; every mention and link between included nodes is an edge.
    """
    depth = max(1, min(3, int(depth)))
    mentions = {pid: list(dict.fromkeys(keys)) for pid, keys in data.mentions.items()}
    mentioned_by: dict[str, list[str]] = {}
    for pid in sorted(mentions):
        if pid not in data.passages:
            continue
        for key in mentions[pid]:
            mentioned_by.setdefault(key, []).append(pid)
    neighbours: dict[str, list[str]] = {}
    for a, b, _kind, _note in data.links:
        if a in data.passages and b in data.passages:
            neighbours.setdefault(a, []).append(b)
            neighbours.setdefault(b, []).append(a)

    hops: dict[str, int] = {}
    truncated = False
    if center is not None:
        if center not in data.passages:
            raise KeyError(center)
        hops[pnode(center)] = 0
        frontier = [pnode(center)]
        for hop in range(1, depth + 1):
            nxt: list[str] = []
            for nid in frontier:
                for cand in _expand(nid, neighbours, mentions, mentioned_by, data, fan_out):
                    if cand in hops:
                        continue
                    if len(hops) >= max_nodes:
                        truncated = True
                        break
                    hops[cand] = hop
                    nxt.append(cand)
            frontier = nxt
    else:
        chosen = list(data.passages) if ids is None else [i for i in ids if i in data.passages]
        for pid in chosen:
            if len(hops) >= max_nodes:
                truncated = True
                break
            hops[pnode(pid)] = 0
        for pid in chosen:
            for key in mentions.get(pid, ()):
                if key not in data.entities:
                    continue
                if enode(key) not in hops:
                    if len(hops) >= max_nodes:
                        truncated = True
                        break
                    hops[enode(key)] = 1

    graph = Graph(center=pnode(center) if center is not None else None, truncated=truncated)
    for nid, hop in hops.items():
        kind, ref = nid[0], nid[2:]
        if kind == "p":
            title, grade = data.passages[ref]
            graph.nodes.append(Node(nid, PASSAGE, ref, title, grade=grade, hop=hop))
        else:
            name, ekind = data.entities[ref]
            graph.nodes.append(Node(nid, ENTITY, ref, name, entity_kind=ekind, hop=hop))
    for a, b, kind, note in data.links:
        if pnode(a) in hops and pnode(b) in hops:
            graph.edges.append(
                Edge(
                    pnode(a),
                    pnode(b),
                    kind,
                    (a, b),
                    (data.passages[a][1], data.passages[b][1]),
                    note,
                )
            )
    for n in graph.nodes:
        if n.kind != PASSAGE:
            continue
        for key in mentions.get(n.ref, ()):
            if enode(key) in hops:
                graph.edges.append(Edge(n.id, enode(key), MENTIONS, (n.ref,), (n.grade,)))
    return graph


def _expand(
    nid: str,
    neighbours: Mapping[str, list[str]],
    mentions: Mapping[str, list[str]],
    mentioned_by: Mapping[str, list[str]],
    data: GraphData,
    fan_out: int,
) -> list[str]:
    ref = nid[2:]
    if nid.startswith("p:"):
        out = [pnode(o) for o in neighbours.get(ref, ())]
        out += [enode(k) for k in mentions.get(ref, ()) if k in data.entities]
        return out
    return [pnode(p) for p in mentioned_by.get(ref, ())[:fan_out]]


# ---------------------------------------------------------------------------
# layout


def layout(
    node_ids: Sequence[str],
    edges: Iterable[tuple[str, str]],
    *,
    seed: int = 0,
    iterations: int | None = None,
    pinned: str | None = None,
) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold positions, deterministic for a given input.

    The ideal distance between connected nodes is 1.0; the caller scales.

    Args:
        node_ids: the nodes, in a stable order (the order seeds the start).
        edges: pairs of node ids (unknown ids and self-loops are ignored).
        seed: the seed of the initial positions.
        iterations: how many steps (default: fewer for big graphs).
        pinned: a node kept at the origin (the centre of the graph).

    Returns:
        node id -> (x, y), centred on the origin (or on ``pinned``).
    """
    n = len(node_ids)
    if n == 0:
        return {}
    if n == 1:
        return {node_ids[0]: (0.0, 0.0)}
    index = {nid: i for i, nid in enumerate(node_ids)}
    pairs: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set()
    for a, b in edges:
        ia, ib = index.get(a), index.get(b)
        if ia is None or ib is None or ia == ib:
            continue
        key = (ia, ib) if ia < ib else (ib, ia)
        if key not in seen:
            seen.add(key)
            pairs.append(key)
    if iterations is None:
        iterations = 60 if n <= 200 else 45 if n <= 600 else 35
    k = 1.0
    k2 = k * k
    side = math.sqrt(n) * k * 1.2
    rng = random.Random(seed)
    xs = [rng.uniform(-side / 2, side / 2) for _ in range(n)]
    ys = [rng.uniform(-side / 2, side / 2) for _ in range(n)]
    pin = index.get(pinned) if pinned is not None else None
    if pin is not None:
        xs[pin] = ys[pin] = 0.0
    cell = 1.5 * k
    gravity = 0.5 / math.sqrt(n)
    temp = side / 8
    cool = temp / (iterations + 1)
    for _ in range(iterations):
        dx = [0.0] * n
        dy = [0.0] * n
        grid: dict[tuple[int, int], list[int]] = {}
        for i in range(n):
            grid.setdefault((int(xs[i] // cell), int(ys[i] // cell)), []).append(i)
        # Repulsion k²/d between nodes of the same or adjacent cells, each
        # pair once: a cell meets itself and four of its eight neighbours.
        for (cx, cy), members in grid.items():
            others: list[int] = []
            for ox, oy in ((1, -1), (1, 0), (1, 1), (0, 1)):
                others.extend(grid.get((cx + ox, cy + oy), ()))
            for a, i in enumerate(members):
                xi, yi = xs[i], ys[i]
                fx = fy = 0.0
                for j in (*members[a + 1 :], *others):
                    ddx = xi - xs[j]
                    ddy = yi - ys[j]
                    d2 = ddx * ddx + ddy * ddy
                    if d2 < 1e-9:
                        # Two nodes on one spot: part them by index, deterministically.
                        ddx, ddy, d2 = 0.01, 0.0, 1e-4
                    f = k2 / d2
                    px = ddx * f
                    py = ddy * f
                    fx += px
                    fy += py
                    dx[j] -= px
                    dy[j] -= py
                dx[i] += fx
                dy[i] += fy
        # Attraction along edges: d²/k.
        for i, j in pairs:
            ddx = xs[i] - xs[j]
            ddy = ys[i] - ys[j]
            # Force d²/k along the unit vector (ddx/d, ddy/d).
            f = math.sqrt(ddx * ddx + ddy * ddy) / k
            fx = ddx * f
            fy = ddy * f
            dx[i] -= fx
            dy[i] -= fy
            dx[j] += fx
            dy[j] += fy
        # A weak pull to the middle keeps separate components together.
        for i in range(n):
            dx[i] -= xs[i] * gravity
            dy[i] -= ys[i] * gravity
        for i in range(n):
            if i == pin:
                continue
            d = math.sqrt(dx[i] * dx[i] + dy[i] * dy[i])
            if d > 0:
                step = min(d, temp)
                xs[i] += dx[i] / d * step
                ys[i] += dy[i] / d * step
        temp = max(temp - cool, 0.01)
    ox, oy = (xs[pin], ys[pin]) if pin is not None else (sum(xs) / n, sum(ys) / n)
    return {nid: (xs[i] - ox, ys[i] - oy) for i, nid in enumerate(node_ids)}


def layout_graph(graph: Graph, *, seed: int = 0, scale: float = 1.0) -> Graph:
    """Set every node's ``x``/``y`` from :func:`layout` (times ``scale``); returns ``graph``."""
    pos = layout(
        [n.id for n in graph.nodes],
        [(e.source, e.target) for e in graph.edges],
        seed=seed,
        pinned=graph.center,
    )
    for n in graph.nodes:
        x, y = pos[n.id]
        n.x, n.y = x * scale, y * scale
    return graph


def remove_overlaps(
    boxes: Mapping[str, tuple[float, float, float, float]],
    *,
    gap: float = 8.0,
    iterations: int = 30,
    pinned: str | None = None,
) -> dict[str, tuple[float, float]]:
    """Nudge boxes apart until none overlap (or ``iterations`` run out).

    Force-directed layout treats nodes as points; drawn as labelled boxes,
    neighbours can cover each other. Each overlapping pair is pushed apart
    along the axis where the overlap is smaller, half each (all of it on the
    other box when one is ``pinned``). Pairs are found through a grid, so a
    pass is about O(n).

    Args:
        boxes: node id -> (centre x, centre y, half width, half height).
        gap: space to leave between boxes.
        iterations: passes at most.
        pinned: a box that does not move.

    Returns:
        node id -> new centre.
    """
    ids = list(boxes)
    xs = [boxes[i][0] for i in ids]
    ys = [boxes[i][1] for i in ids]
    hw = [boxes[i][2] + gap / 2 for i in ids]
    hh = [boxes[i][3] + gap / 2 for i in ids]
    if not ids:
        return {}
    pin = ids.index(pinned) if pinned in boxes else -1
    cw = 2 * max(hw)
    ch = 2 * max(hh)
    for _ in range(iterations):
        grid: dict[tuple[int, int], list[int]] = {}
        for i in range(len(ids)):
            grid.setdefault((int(xs[i] // cw), int(ys[i] // ch)), []).append(i)
        moved = False
        for (cx, cy), members in grid.items():
            others: list[int] = []
            for ox, oy in ((1, -1), (1, 0), (1, 1), (0, 1)):
                others.extend(grid.get((cx + ox, cy + oy), ()))
            for a, i in enumerate(members):
                for j in (*members[a + 1 :], *others):
                    ox_ = hw[i] + hw[j] - abs(xs[i] - xs[j])
                    oy_ = hh[i] + hh[j] - abs(ys[i] - ys[j])
                    if ox_ <= 0 or oy_ <= 0:
                        continue
                    moved = True
                    wi, wj = (0.0, 1.0) if i == pin else (1.0, 0.0) if j == pin else (0.5, 0.5)
                    if ox_ < oy_:
                        s = 1.0 if xs[i] > xs[j] or (xs[i] == xs[j] and i < j) else -1.0
                        xs[i] += s * ox_ * wi
                        xs[j] -= s * ox_ * wj
                    else:
                        s = 1.0 if ys[i] > ys[j] or (ys[i] == ys[j] and i < j) else -1.0
                        ys[i] += s * oy_ * wi
                        ys[j] -= s * oy_ * wj
        if not moved:
            break
    return {nid: (xs[k], ys[k]) for k, nid in enumerate(ids)}
