"""The original library's later GPU-allocation test (tst/backend/test_local_backend.py,
test_gpu_allocation), adapted: it drove the backend's private _allocate_gpu/_deallocate_gpu; the
same sequence goes through :func:`choose_gpus` here, the rule LocalBackend applies at each start."""
from syne_tune.backend.local_backend import choose_gpus


def test_the_original_gpu_allocation_sequence():
    pool, running, assigned = [0, 1, 2, 3], {}, {}

    def start(trial_id):
        (gpu,) = choose_gpus(pool, 1, running, assigned)
        running[trial_id] = (gpu,)
        assigned[gpu] = assigned.get(gpu, 0) + 1
        return gpu

    assert [start(t) for t in range(4)] == [0, 1, 2, 3] and all(assigned[g] == 1 for g in pool)
    del running[2]
    assert start(4) == 2 and assigned[2] == 2          # the only free GPU
    del running[0]
    assert start(5) == 0 and assigned[0] == 2          # free again
    gpu = start(6)                                     # none free: one of the least assigned
    assert gpu in {1, 3} and assigned[gpu] == 2
