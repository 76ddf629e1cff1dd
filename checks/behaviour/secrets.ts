/**
 * The secrets a scripted server's reads are made with. Every scenario checks that neither of them, nor any
 * `appsecret_proof` the client sent, appears in any rendering of what the read returned, and that neither
 * travels in a URL.
 */
export const token = "EAAGbehaviourTOKEN0123456789abcdef"
export const appSecret = "behaviour-app-secret-0123456789"
