# hotbench's image, for the shards of a sharded run on Kubernetes
# (hotbench k8s SCENARIO --shards N --image IMAGE). Build it from the
# repository's root:
#
#   docker build -t registry.example/hotbench:v1 . && docker push registry.example/hotbench:v1
#
# The binary is static (no cgo), so the image is the binary, CA
# certificates for https targets, and a non-root user.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/hotbench ./cmd/hotbench

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/hotbench /usr/local/bin/hotbench
# The coordination endpoint of shard 0.
EXPOSE 7070
ENTRYPOINT ["/usr/local/bin/hotbench"]
