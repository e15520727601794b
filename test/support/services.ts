/**
 * Which real or stand-in services this test run used (DESIGN.md §5: the run says so).
 * Harnesses call `reportService` once they have chosen; the root hook prints the list.
 */
const used = new Map<string, string>()

export const reportService = (kind: string, description: string): void => {
  if (!used.has(kind)) used.set(kind, description)
}

export const usedServices = (): ReadonlyMap<string, string> => used
