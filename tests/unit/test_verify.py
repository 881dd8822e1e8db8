from lesson_utils import verify
from lesson_utils.references import activation_items


def test_verify_lists_every_function_and_passes_on_every_device(capsys):
    assert verify.main(["--trials", "1"]) == 0
    printed = capsys.readouterr().out
    for name in verify.CHECKS:
        assert name in printed
    assert "0 failed" in printed


def test_verify_catches_a_wrong_implementation(monkeypatch):
    def wrong_backward(dout, cache):
        return 2 * verify.nn.tanh_backward(dout, cache)

    functions = {"tanh": (verify.nn.tanh_forward, wrong_backward)}
    monkeypatch.setitem(
        verify.CHECKS, "tanh", lambda device, rng: activation_items(functions, rng, device)
    )
    results = {row[0]: row[4] for row in verify.run(trials=1)}
    assert results["tanh"] is False and results["linear"] is True
