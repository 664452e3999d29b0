# The pongctl API (and CLI) image. TypeScript runs natively on Node 24: no build step.
FROM node:24-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    PONG_DATA_DIR=/var/lib/pongctl
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY cli ./cli
COPY api ./api
COPY migrations ./migrations
COPY ops ./ops
RUN mkdir -p /var/lib/pongctl && chown node:node /var/lib/pongctl
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "bin/pongctl"]
CMD ["serve", "--migrate"]
