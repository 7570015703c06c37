"""Grad modes against torch: no_grad, enable_grad, set_grad_enabled, inference_mode; thread-local state."""
import threading
import warnings

import pytest

import ember
from autograd_oracle import same_printout


def leaf(lib):
    return lib.tensor([1., 2.], requires_grad=True)


@pytest.fixture(autouse=True)
def grad_mode_restored():
    yield
    assert ember.is_grad_enabled() and not ember.is_inference_mode_enabled(), "a test leaked a grad mode"


def test_no_grad_context_and_nested_enable_grad():
    def program(lib):
        x = leaf(lib)
        seen = []
        with lib.no_grad():
            seen += [(x * 2).requires_grad, lib.is_grad_enabled()]
            with lib.enable_grad():
                seen.append((x * 2).requires_grad)
            seen.append((x * 2).requires_grad)
        return seen + [lib.is_grad_enabled(), (x * 2).requires_grad]
    assert same_printout(program) == "[False, False, True, False, True, True]"


def test_no_grad_result_is_a_leaf_without_grad_fn():
    def program(lib):
        x = leaf(lib)
        with lib.no_grad():
            y = x * 2
        return y, y.is_leaf, y.grad_fn
    assert same_printout(program) == "(tensor([2., 4.]), True, None)"


def test_no_grad_as_bare_and_called_decorator():
    def program(lib):
        x = leaf(lib)

        @lib.no_grad
        def bare():
            return (x * 2).requires_grad

        @lib.no_grad()
        def called():
            return (x * 2).requires_grad
        return bare(), called(), bare.__name__, lib.is_grad_enabled()
    assert same_printout(program) == "(False, False, 'bare', True)"


def test_enable_grad_decorator_inside_no_grad():
    def program(lib):
        @lib.enable_grad()
        def recorded(t):
            return (t * 2).requires_grad
        with lib.no_grad():
            return recorded(leaf(lib)), lib.is_grad_enabled()
    assert same_printout(program) == "(True, False)"


def test_set_grad_enabled_as_function_context_and_decorator():
    def program(lib):
        x = leaf(lib)
        lib.set_grad_enabled(False)
        as_function = (x * 2).requires_grad
        lib.set_grad_enabled(True)
        with lib.set_grad_enabled(False):
            as_context = (x * 2).requires_grad
        after_context = lib.is_grad_enabled()

        @lib.set_grad_enabled(False)
        def decorated():
            return lib.is_grad_enabled()
        return as_function, as_context, after_context, decorated(), lib.is_grad_enabled()
    assert same_printout(program) == "(False, False, True, False, True)"


def test_set_grad_enabled_true_inside_no_grad():
    def program(lib):
        with lib.no_grad():
            with lib.set_grad_enabled(True):
                inner = lib.is_grad_enabled()
            return inner, lib.is_grad_enabled()
    assert same_printout(program) == "(True, False)"


def test_inference_mode_context_decorator_and_disabled():
    def program(lib):
        x = leaf(lib)
        with lib.inference_mode():
            inside = ((x * 2).requires_grad, lib.is_inference_mode_enabled(), lib.is_grad_enabled())

        @lib.inference_mode()
        def called():
            return lib.is_grad_enabled(), lib.is_inference_mode_enabled()

        @lib.inference_mode
        def bare():
            return lib.is_grad_enabled()
        with lib.inference_mode(False):
            disabled = lib.is_grad_enabled(), lib.is_inference_mode_enabled()
        return inside, called(), bare(), disabled, lib.is_inference_mode_enabled()
    assert same_printout(program) == "((False, True, False), (False, True), False, (True, False), False)"


def test_mode_is_restored_after_an_exception():
    def program(lib):
        with pytest.raises(ValueError):
            with lib.no_grad():
                raise ValueError
        return lib.is_grad_enabled()
    assert same_printout(program) == "True"


def test_decorated_generator_runs_its_body_in_the_mode():
    def program(lib):
        @lib.no_grad()
        def generate():
            yield lib.is_grad_enabled()
            yield lib.is_grad_enabled()
        gen = generate()
        return next(gen), lib.is_grad_enabled(), next(gen)
    assert same_printout(program) == "(False, True, False)"


def test_in_place_on_a_leaf_is_allowed_under_no_grad():
    def program(lib):
        x = leaf(lib)
        with lib.no_grad():
            x -= 1
        (x * x).sum().backward()
        return x, x.is_leaf, x._version, x.grad
    assert same_printout(program) == "(tensor([0., 1.], requires_grad=True), True, 1, tensor([0., 2.]))"


def test_grad_mode_is_thread_local():
    def program(lib):
        seen = {}
        entered, release = threading.Event(), threading.Event()

        def worker():
            with lib.no_grad():
                seen["worker"] = lib.is_grad_enabled()
                entered.set()
                release.wait()

        thread = threading.Thread(target=worker)
        thread.start()
        entered.wait()
        seen["main"] = lib.is_grad_enabled(), (leaf(lib) * 2).requires_grad
        release.set()
        thread.join()
        return seen
    assert same_printout(program) == "{'worker': False, 'main': (True, True)}"


def test_a_new_thread_starts_with_grad_enabled():
    def program(lib):
        seen = []
        with lib.no_grad():
            thread = threading.Thread(target=lambda: seen.append(lib.is_grad_enabled()))
            thread.start()
            thread.join()
        return seen
    assert same_printout(program) == "[True]"


def test_mode_names():
    def program(lib):
        return lib.no_grad.__name__, type(lib.no_grad()).__name__, type(lib.enable_grad()).__name__
    assert same_printout(program) == "('no_grad', 'no_grad', 'enable_grad')"


def test_detect_anomaly_reports_the_node_returning_nan():
    def program(lib):
        x = lib.tensor([0., 1.], requires_grad=True)
        y = (x / x).sum()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with lib.autograd.detect_anomaly(), pytest.raises(RuntimeError) as info:
                y.backward()
        return str(info.value), lib.is_anomaly_enabled(), "Anomaly Detection has been enabled" in str(caught[0])
    assert same_printout(program) == "(\"Function 'DivBackward0' returned nan values in its 1th output.\", False, True)"


def test_set_detect_anomaly_toggles_the_flag():
    def program(lib):
        lib.autograd.set_detect_anomaly(True)
        on = lib.is_anomaly_enabled()
        lib.autograd.set_detect_anomaly(False)
        with lib.autograd.set_detect_anomaly(True, check_nan=False):
            inside = lib.is_anomaly_enabled(), lib.is_anomaly_check_nan_enabled()
        return on, inside, lib.is_anomaly_enabled(), lib.is_anomaly_check_nan_enabled()
    assert same_printout(program) == "(True, (True, False), False, True)"
