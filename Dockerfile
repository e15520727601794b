# imgtier API image. Build: docker build -t imgtier .
# Run (production refuses weak or missing secrets, README "Configuration"):
#   docker run -p 8000:8000 -v imgtier-data:/data \
#     -e IMGTIER_PUBLIC_URL=https://img.example.com -e IMGTIER_JWT_SECRET=… -e IMGTIER_LINK_KEYS=k1:… imgtier
# Two stages: the compiler and dev dependencies never reach the runtime image.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    IMGTIER_DATA_DIR=/data \
    PORT=8000
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/bootstrap/main.js"]
