// Test data has one home, shipped to embedders as `imgtier/testing` (testing/mothers.ts).
export { aPngHeader, aRefreshToken, aTier, aUser, anImage } from '../../testing/mothers'
