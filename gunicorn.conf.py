"""gunicorn settings shared by the Docker image, docker-compose and the API benchmark
(gunicorn reads this file from the working directory)."""

import gc


def post_worker_init(worker):
    # Everything loaded so far (Django, the URL conf, models, compiled templates) lives as
    # long as the worker. Moving it out of the collector's reach stops every collection
    # from walking it again; request garbage is collected as before.
    gc.freeze()
