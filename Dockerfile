# syntax=docker/dockerfile:1
#
# ogcard's container image. Build it from the repository root:
#
#	docker build -t ogcard .
#	docker run --read-only --tmpfs /tmp -p 8080:8080 -v ogcard-data:/data ogcard
#
# Two stages: the Go toolchain builds the binary, then a slim Debian of the
# same release runs it, so the C libraries ogcard opens at run time
# (libwebp, libturbojpeg, libdeflate) match the glibc it was linked with.
# Build and runtime must stay on one Debian release: change DEBIAN for both.

ARG GO_VERSION=1.26.8
ARG DEBIAN=bookworm

FROM golang:${GO_VERSION}-${DEBIAN} AS build
WORKDIR /src
# Modules first, so a source change does not download them again.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
# The binary must stay dynamically linked: gen2brain/webp and
# engine/internal/native load libwebp, libturbojpeg and libdeflate with
# dlopen, which a static binary cannot (it would fall back to the pure-Go
# encoders, several times slower). The default CGO_ENABLED=1 of the golang
# image gives that.
RUN --mount=type=cache,target=/go/pkg/mod \
	--mount=type=cache,target=/root/.cache/go-build \
	go build -trimpath -ldflags='-s -w' -o /out/ogcard . \
	&& /out/ogcard validate layouts

FROM debian:${DEBIAN}-slim AS runtime
# libwebp-dev for the unversioned libwebp.so that gen2brain/webp opens;
# libturbojpeg0 and libdeflate0 for JPEG and PNG; the two font packages too
# large to embed (Chinese, Japanese, Korean; colour emoji); ca-certificates
# for pictures, S3 and OTLP over https.
RUN apt-get update \
	&& apt-get install -y --no-install-recommends \
		libwebp-dev libturbojpeg0 libdeflate0 \
		fonts-noto-cjk fonts-noto-color-emoji \
		ca-certificates tzdata \
	&& rm -rf /var/lib/apt/lists/*
# A fixed numeric user, so Kubernetes' runAsNonRoot can check it and a
# volume can be chowned to it ahead of time.
RUN groupadd --system --gid 10001 ogcard \
	&& useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home --shell /usr/sbin/nologin ogcard \
	&& mkdir -p /data && chown 10001:10001 /data
COPY --from=build /out/ogcard /usr/local/bin/ogcard

# The data folder (demo database, file card store) is the only place the
# service writes besides /tmp, so the root filesystem can be read-only
# (docker run --read-only --tmpfs /tmp; readOnlyRootFilesystem in the chart).
ENV OGCARD_ADDR=:8080 \
	OGCARD_DATA_DIR=/data \
	OGCARD_LOG_FORMAT=json \
	HOME=/data \
	TMPDIR=/tmp
VOLUME ["/data"]
WORKDIR /data
USER 10001:10001
EXPOSE 8080
# /healthz answers while the process runs; `ogcard healthcheck` probes it
# at OGCARD_ADDR, since the slim image has no curl.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
	CMD ["ogcard", "healthcheck"]
ENTRYPOINT ["ogcard"]
CMD ["serve"]
