import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino'

/**
 * Secrets are kept out of log lines where they are made (the access log names routes,
 * never paths, queries or headers); these paths are a second net, should a future log
 * call pass a request, a body or a session object whole.
 */
const REDACT = [
  'password', '*.password', 'accessToken', '*.accessToken', 'refreshToken', '*.refreshToken', 'token', '*.token',
  'headers.authorization', 'headers.cookie', '*.headers.authorization', '*.headers.cookie', '*.headers["set-cookie"]',
]

export const loggerOptions = (level: string): LoggerOptions => ({ level, base: { service: 'imgtier' }, redact: { paths: REDACT, censor: '[redacted]' } })

export const makeLogger = (level: string, destination?: DestinationStream): Logger =>
  destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level))
