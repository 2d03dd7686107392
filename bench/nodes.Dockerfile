# buildx's side of the two-node bench: amd64 runs a step (on the amd64 node), arm64 only copies a file (on the
# arm64 node, no emulator). NONCE changes every run so neither node answers from its cache.
FROM busybox AS build-amd64
ARG NONCE
RUN echo "$NONCE amd64" > /built

FROM scratch AS build-arm64
ARG NONCE
COPY nodes.Dockerfile /built

FROM build-${TARGETARCH}
