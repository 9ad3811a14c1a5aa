"""The procedure's graph for the case page, drawn server-side as SVG (no graphviz binary, no script).

Nodes and edges come from the state machine itself (``get_all_transitions``), so the picture cannot drift from
the transitions the services run. The layout is fixed and vertical (fits a portrait tablet): the main path of the
general procedure in one column in the order of ``PenaltyCase.State``, the ends other than a penalty (不予立案,
撤销立案) in a second column beside where they branch off. Forward jumps (a step the case may skip) are arcs
on the left, returns (退回补充调查, 重新告知, 结案审批不同意) arcs on the right. The current state is
highlighted, the states the case has passed through and the transitions it has taken (from its CaseEvent
history) are marked.
"""

from dataclasses import dataclass

from cases.penalties.models import PenaltyCase

S = PenaltyCase.State
# Ends other than a penalty, beside the main path, at the row of the main state they are closest to.
SIDE = {S.NOT_FILED: 1, S.TERMINATED: 4}
MAIN = [state for state in S if state not in SIDE]

NODE_W, NODE_H, ROW = 168, 30, 42
MAIN_X, SIDE_X, TOP = 90, 320, 10
# Edges to and from the side column run along one vertical line (a bus) left of it, so they do not cross.
BUS_X = SIDE_X - 12
WIDTH = SIDE_X + NODE_W + 6


@dataclass(frozen=True)
class Node:
    state: str
    label: str
    x: int
    y: int
    status: str  # "current", "passed" or "future"

    @property
    def cx(self):
        return self.x + NODE_W // 2

    @property
    def cy(self):
        return self.y + NODE_H // 2


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    name: str
    path: str
    taken: bool


def transition_pairs():
    """Every (source, target, transition name) of the state machine, RETURN_VALUE targets expanded."""
    pairs = []
    for transition in PenaltyCase._meta.get_field("state").get_all_transitions(PenaltyCase):
        targets = getattr(transition.target, "allowed_states", None) or [transition.target]
        for target in targets:
            if transition.source in ("*", "+") or target is None:
                continue
            pairs.append((str(transition.source), str(target), transition.name))
    return sorted(set(pairs), key=lambda p: (_row(p[0]), _row(p[1]), p[2]))


def _row(state):
    return SIDE.get(state, MAIN.index(state) if state in MAIN else 0)


def _position(state):
    return (SIDE_X if state in SIDE else MAIN_X, TOP + _row(state) * ROW)


def _path(source, target):
    (sx, sy), (tx, ty) = _position(source), _position(target)
    if target in SIDE:
        # To an end beside the path: right, along the bus, into the side node.
        return f"M{sx + NODE_W},{sy + NODE_H // 2} H{BUS_X} V{ty + NODE_H // 2} H{tx}"
    if source in SIDE:
        # From an end beside the path down to 归档: straight down the side column, then left into the node.
        x = sx + NODE_W // 2
        return f"M{x},{sy + NODE_H} V{ty + NODE_H // 2} H{tx + NODE_W}"
    span = _row(target) - _row(source)
    if span == 1:
        x = sx + NODE_W // 2
        return f"M{x},{sy + NODE_H} L{x},{ty}"
    bend = min(14 + 7 * abs(span), 84)
    y0, y1 = sy + NODE_H // 2, ty + NODE_H // 2
    if span > 1:  # a step skipped: an arc on the left
        x0, out = sx, sx - bend
    else:  # back to an earlier step: an arc on the right
        x0, out = sx + NODE_W, sx + NODE_W + bend
    return f"M{x0},{y0} C{out},{y0} {out},{y1} {x0},{y1}"


def procedure_graph(case, events):
    """The drawing of ``case``'s procedure: nodes, edges, its size. ``events`` are its CaseEvents in order."""
    passed = {e.source_state for e in events} | {e.target_state for e in events}
    taken = {(e.source_state, e.target_state) for e in events}
    nodes = []
    for state in [*MAIN, *SIDE]:
        x, y = _position(state)
        status = "current" if state == case.state else ("passed" if state in passed else "future")
        nodes.append(Node(state=str(state), label=str(S(state).label), x=x, y=y, status=status))
    edges = [
        Edge(source=s, target=t, name=name, path=_path(s, t), taken=(s, t) in taken)
        for s, t, name in transition_pairs()
    ]
    height = TOP * 2 + len(MAIN) * ROW - (ROW - NODE_H)
    return {
        "nodes": nodes,
        "edges": edges,
        "width": WIDTH,
        "height": height,
        "node_w": NODE_W,
        "node_h": NODE_H,
        "current": case.get_state_display(),
    }
