"""The emulator's fault injection: a Fault can be armed again, as a test parameter is in every session that runs it."""

from local.emulator import EmulatorState, Fault


def test_arming_takes_a_copy_so_a_fault_can_be_armed_again() -> None:
    state = EmulatorState()
    fault = Fault("InternalServiceError", status=500, times=2)

    for _ in range(2):  # e.g. mutmut's stats session, then its clean session, in one process
        state.arm("secretsmanager:GetSecretValue", fault)
        served = [state.take_fault("secretsmanager:GetSecretValue") for _ in range(3)]
        assert [f is not None for f in served] == [True, True, False]

    assert fault.times == 2
