# imgtier API image, on a maintained Node LTS (22). Build: docker build -t imgtier .
# Run (production refuses weak or missing secrets, README "Configuration"):
#   docker run -p 8000:8000 -v imgtier-data:/data \
#     -e IMGTIER_PUBLIC_URL=https://img.example.com -e IMGTIER_JWT_SECRET=… -e IMGTIER_LINK_KEYS=k1:… imgtier
# The operator CLI is on the PATH:  docker run --rm … imgtier imgtier users list
# Whole stack (Postgres, S3, imgtier): compose.yaml.
# Two stages: the compiler and dev dependencies never reach the runtime image.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
# MALLOC_ARENA_MAX: glibc gives each thread that allocates (libuv's pool running scrypt,
# libvips rendering) an arena of its own and rarely hands freed memory back; two arenas
# keep RSS near what is in use (~100 MB less under renders; sharp's install guide,
# "Linux memory allocator"). Read by glibc when the process starts, so it is set here.
ENV NODE_ENV=production \
    IMGTIER_DATA_DIR=/data \
    MALLOC_ARENA_MAX=2 \
    PORT=8000
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
# The CLI runs the compiled dist/ here (no TypeScript sources in the image).
RUN ln -s /app/bin/imgtier.js /usr/local/bin/imgtier \
    && mkdir -p /data \
    && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/bootstrap/main.js"]
