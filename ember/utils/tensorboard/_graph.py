"""The op graph of one forward pass, as a TensorBoard GraphDef grouped by module scopes.

Each op node is placed in the innermost module whose forward created it: the nodes reachable backwards
from a module call's outputs but not from its inputs.
"""
from ...autograd import enable_grad
from ...autograd.node import AccumulateGrad
from ...tensor import Tensor
from ._tensorboardx import graph_pb2, node_def_pb2, versions_pb2


def _tensors(value):
    """The tensors in a module's (possibly nested) inputs or outputs."""
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in _tensors(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _tensors(v)]
    return []


def _reachable(starts, stop=frozenset()):
    """Node ids reachable backwards from ``starts`` (nodes), not walking into ``stop`` ids."""
    seen, todo = {}, [n for n in starts if n is not None and id(n) not in stop]
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen[id(node)] = node
        todo.extend(n for n, _ in node.next_functions if n is not None and id(n) not in stop and id(n) not in seen)
    return seen


def _record_calls(model, inputs):
    """Run ``model`` once, recording every module call's (name, input nodes, output nodes)."""
    calls, handles = [], []
    for name, module in model.named_modules():
        def pre(module, args, name=name):
            calls.append([name, [t.grad_fn for t in _tensors(args)], None])

        def post(module, args, output, name=name):
            entry = next(c for c in reversed(calls) if c[0] == name and c[2] is None)
            entry[2] = [t.grad_fn for t in _tensors(output)]
        handles += [module.register_forward_pre_hook(pre), module.register_forward_hook(post)]
    try:
        with enable_grad():
            output = model(*inputs)
    finally:
        for handle in handles:
            handle.remove()
    return output, calls


def _module_scopes(model):
    """Module name -> its scope path as torch draws it: ``Net/Sequential[features]/Conv2d[0]``."""
    scope_of_module = {"": type(model).__name__}
    for name, module in model.named_modules():
        if name:
            parent, _, attr = name.rpartition(".")
            scope_of_module[name] = f"{scope_of_module[parent]}/{type(module).__name__}[{attr}]"
    return scope_of_module


def _scopes(scope_of_module, calls):
    """Node id -> the scope path of the innermost module call that created it."""
    scopes = {}
    for name, inputs, outputs in sorted(calls, key=lambda call: -len(call[0])):
        region = _reachable(outputs or [], frozenset(_reachable(inputs)))
        for node_id in region:
            scopes.setdefault(node_id, scope_of_module[name])
    return scopes


def _op_name(node):
    name = node.name()
    return name[:-len("Backward0")] if name.endswith("Backward0") else name


def graph(model, input_to_model):
    """The GraphDef of ``model`` run on ``input_to_model`` (a tensor or a tuple of tensors)."""
    inputs = input_to_model if isinstance(input_to_model, (tuple, list)) else (input_to_model,)
    inputs = tuple(t.detach().requires_grad_(t.is_floating_point()) for t in inputs)
    output, calls = _record_calls(model, inputs)
    outputs = _tensors(output)
    scope_of_module = _module_scopes(model)
    scopes = _scopes(scope_of_module, calls)
    leaf_names = {id(p): "/".join((scope_of_module[name.rpartition(".")[0]], name.rpartition(".")[2]))
                  for name, p in model.named_parameters()}
    leaf_names.update({id(t): f"input/input.{i}" for i, t in enumerate(inputs)})
    input_ids = {id(t) for t in inputs}
    nodes = _reachable([t.grad_fn for t in outputs])
    names, ops, counts = {}, {}, {}
    for node_id, node in reversed(list(nodes.items())):
        if isinstance(node, AccumulateGrad):
            variable = id(node.variable)
            names[node_id] = leaf_names.get(variable, f"{type(model).__name__}/tensor_{len(names)}")
            ops[node_id] = "IO Node" if variable in input_ids else "Parameter"
            continue
        base = f"{scopes.get(node_id, type(model).__name__)}/{_op_name(node)}"
        counts[base] = counts.get(base, 0) + 1
        names[node_id], ops[node_id] = f"{base}_{counts[base]}", _op_name(node)
    node_defs = [node_def_pb2.NodeDef(name=names[node_id], op=ops[node_id],
                                      input=[names[id(n)] for n, _ in node.next_functions if n is not None])
                 for node_id, node in nodes.items()]
    node_defs += [node_def_pb2.NodeDef(name=f"output/output.{i}", op="IO Node",
                                       input=[names[id(t.grad_fn)]] if t.grad_fn is not None else [])
                  for i, t in enumerate(outputs)]
    return graph_pb2.GraphDef(node=node_defs, versions=versions_pb2.VersionDef(producer=22))
