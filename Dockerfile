# One image for every gridgov process; compose.yaml picks the process with `command`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 GRIDGOV_MODE=production
WORKDIR /app

COPY pyproject.toml constraints.txt ./
COPY protos ./protos
COPY services ./services
COPY gateway ./gateway
COPY launcher ./launcher

RUN pip install --no-cache-dir -c constraints.txt . \
 && mkdir -p gen \
 && python -m grpc_tools.protoc -Iprotos --python_out=gen --grpc_python_out=gen $(find protos -name '*.proto') \
 && echo /app/gen > "$(python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/gridgov-gen.pth"

RUN useradd --system --uid 10001 gridgov \
 && mkdir -p /var/lib/gridgov/anchor && chown gridgov /var/lib/gridgov/anchor
USER gridgov

CMD ["gridgov", "--help"]
