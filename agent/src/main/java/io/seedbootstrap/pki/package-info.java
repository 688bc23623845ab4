/**
 * Cryptography, grouped by job; the only place BouncyCastle is used (ArchitectureTest holds it so).
 *
 * <ul>
 *   <li>{@code pki.ca}: the site and cluster CAs in the PKI directory: {@code pki init} (hierarchies,
 *       issuing, join tokens), {@code pki show} (inspection), and the material install reads.</li>
 *   <li>{@code pki.signing}: the Ed25519 key that signs offline bundles, and the signatures.</li>
 *   <li>{@code pki.archive}: the encryption of DR archives (scrypt + AES-256-GCM).</li>
 *   <li>{@code pki.password}: bcrypt hashes of application passwords (ArgoCD's admin).</li>
 * </ul>
 */
package io.seedbootstrap.pki;
