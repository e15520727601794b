import type { Command } from 'commander'
import * as E from 'fp-ts/Either'
import { linkKeyIdOf } from '../../adapters/auth/hmac-link-signer'
import type { LinkVerdictError } from '../../application/use-cases/judge-expiring-link'
import type { Variant } from '../../domain/variant'
import { CliFailure, EXIT, output, withCore } from './session'

/** The token of `https://host/links/<token>`, or the argument itself when it is a bare token. */
const tokenOf = (arg: string): string => {
  try {
    const url = new URL(arg)
    const match = /\/links\/([^/?#]+)$/.exec(url.pathname)
    if (match?.[1] === undefined) throw new CliFailure(`not an expiring link URL (…/links/<token>): ${arg}`, EXIT.usage)
    return decodeURIComponent(match[1])
  } catch (err) {
    if (err instanceof CliFailure) throw err
    return arg.trim()
  }
}

/** Why a link would not be served now, in the words of its API error code. */
const verdictOf = (e: LinkVerdictError): { status: string; why: string } => {
  switch (e._tag) {
    case 'LinkInvalid': return { status: 'invalid', why: 'not signed by any configured link key, or malformed (link_invalid)' }
    case 'LinkExpired': return { status: 'expired', why: `expired at ${e.expiredAt.toISOString()} (link_expired)` }
    case 'LinkNotFound': return { status: 'not_found', why: 'the image or its owner is gone (link_not_found)' }
    case 'LinkRevoked': return { status: 'revoked', why: "the owner is deactivated, or their tier no longer allows this link (link_revoked)" }
    case 'InfrastructureFailure': throw new CliFailure(`${e.what}: ${e.cause instanceof Error ? e.cause.message : String(e.cause)}`, EXIT.failed)
  }
}

export const linksCommand = (program: Command): void => {
  const links = program.command('links').description('expiring links')

  links.command('inspect <url>').description('decode and verify an expiring link: what it grants, until when, signed by which key, and whether it works now')
    .option('--json', 'machine-readable output')
    .action(async (arg: string, opts: { json?: boolean }) => withCore(async (core) => {
      const token = tokenOf(arg)
      const claims = core.deps.signer.verify(token)
      const judged = await core.useCases.judgeExpiringLink(token)()
      const verdict = E.isRight(judged) ? { status: 'valid', why: `${judged.right.remainingSeconds} s left` } : verdictOf(judged.left)
      const report = {
        status: verdict.status,
        reason: verdict.why,
        keyId: E.isRight(claims) ? linkKeyIdOf(token) ?? null : null,
        imageId: E.isRight(claims) ? claims.right.imageId : null,
        variant: E.isRight(claims) ? describeVariant(claims.right.variant) : null,
        expiresAt: E.isRight(claims) ? claims.right.expiresAt.toISOString() : null,
        owner: E.isRight(judged) ? judged.right.image.ownerId : null,
      }
      output(Boolean(opts.json), report, () => [
        `status:   ${report.status} (${report.reason})`,
        ...(report.imageId === null ? [] : [`image:    ${report.imageId}`, `variant:  ${report.variant ?? ''}`, `expires:  ${report.expiresAt ?? ''}`, `key id:   ${report.keyId ?? ''}`]),
      ].join('\n'))
      if (verdict.status !== 'valid') process.exitCode = EXIT.refused
    }))
}

const describeVariant = (v: Variant): string => (v.kind === 'original' ? 'original' : `thumbnail ${v.height}`)
