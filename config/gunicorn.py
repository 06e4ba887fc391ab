"""gunicorn's settings for the portal: `gunicorn -c config/gunicorn.py config.wsgi`, with the
address and the number of workers on the command line (README, deployment).

The one thing set here is the garbage collector of each worker. Once a worker has loaded the
application, the tens of thousands of objects that live as long as the process (modules,
settings, URL patterns, compiled templates) are frozen out of the collector's reach, and its
first generation is collected every 10,000 allocations instead of 700: a report page
allocates tens of thousands of short-lived objects, and with the defaults a collection ran
several times per request and now and then went through everything the process holds,
which shows in the slowest requests, the benchmark's p95. bench/gc_tuning.py measures both
settings side by side (README, performance). Cycles are still collected, only less often.
"""

import gc

# Objects allocated (less those freed) between two collections of the youngest generation,
# then how many of those before the next, and the next generation's (defaults 700, 10, 10).
GC_THRESHOLD = (10_000, 20, 20)


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
