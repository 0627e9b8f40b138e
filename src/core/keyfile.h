/* keyfile: private and public key files as OpenSSH writes and reads them.
 *
 * Private keys: openssh-key-v1 (PROTOCOL.key), unencrypted or encrypted
 * with bcrypt-pbkdf + aes256-ctr (ssh-keygen's default; aes256-gcm@openssh.com
 * and aes128/192-ctr are read too); PEM ("BEGIN RSA/EC/OPENSSH PRIVATE KEY",
 * encrypted legacy PEM too) and PKCS#8 ("BEGIN [ENCRYPTED] PRIVATE KEY").
 * Public keys: one-line format or RFC 4716.
 *
 * Decrypted private bytes live only in secret buffers (wiped on free). */
#ifndef SLC_KEYFILE_H
#define SLC_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "sshkey.h"

#define KEYFILE_DEFAULT_ROUNDS 16
#define KEYFILE_MAX_SIZE (1024 * 1024)
/* Most bcrypt-pbkdf rounds accepted when reading or writing. Each round
 * costs milliseconds, so this bounds a hostile or damaged file to minutes
 * rather than years; ssh-keygen's default is 16 and -a 100 is common. */
#define KEYFILE_MAX_ROUNDS 100000

/* Parse private key file contents. passphrase NULL or "" for none.
 * Errors: SLC_ERR_KEY_ENCRYPTED (encrypted, no passphrase given),
 * SLC_ERR_PASSPHRASE (wrong passphrase), SLC_ERR_FORMAT / TRUNCATED /
 * CHECKINT (damaged), SLC_ERR_KEY_TYPE (unknown type), SLC_ERR_UNSUPPORTED
 * (unknown cipher or KDF), SLC_ERR_LIMIT (more than KEYFILE_MAX_ROUNDS).
 * On success *key is a new private key and *comment (if comment is not
 * NULL) a malloc'd string, "" for PEM/PKCS#8 which carry none. */
SLC_WUR int keyfile_parse_private(const uint8_t *data, size_t len, const char *passphrase,
                                  struct sshkey **key, char **comment);
/* As keyfile_parse_private, but refusing files whose bcrypt-pbkdf rounds
 * exceed max_rounds (SLC_ERR_LIMIT) before any key derivation. Fuzzers pass
 * a tiny limit so no input can make one run slow. */
SLC_WUR int keyfile_parse_private_ex(const uint8_t *data, size_t len, const char *passphrase,
                                     unsigned max_rounds, struct sshkey **key, char **comment);
/* The public half of private key file contents, with no passphrase, as
 * ssh-keygen -l and -y find it when there is no .pub: openssh-key-v1
 * carries the public key in clear in its header, encrypted or not (only
 * the header is read, the private section is not checked against it);
 * unencrypted PEM and PKCS#8 are parsed whole. Encrypted PEM and PKCS#8
 * hold no clear public key: SLC_ERR_KEY_ENCRYPTED. Other errors as
 * keyfile_parse_private. On success *key is a new public-only key; no
 * comment is returned (openssh-key-v1 keeps it in the private section). */
SLC_WUR int keyfile_parse_public_from_private(const uint8_t *data, size_t len, struct sshkey **key);
/* Whether contents are an encrypted private key (without decrypting). */
SLC_WUR int keyfile_is_encrypted(const uint8_t *data, size_t len, bool *encrypted);
/* openssh-key-v1 armoured text, appended to out (which is marked secret:
 * unencrypted output is the private key). passphrase NULL or "" writes it
 * unencrypted; otherwise bcrypt-pbkdf (rounds; 0 = default, at most
 * KEYFILE_MAX_ROUNDS) + aes256-ctr. comment NULL means "". */
SLC_WUR int keyfile_format_private(const struct sshkey *k, const char *comment,
                                   const char *passphrase, unsigned rounds, struct buf *out);

/* File helpers. Reading: SLC_ERR_SYS with errno for I/O errors (EISDIR for
 * a directory, which is what reading one gives), SLC_ERR_NOT_REGULAR for
 * other files that are not regular (FIFOs, devices, sockets: refused
 * before any read, so a FIFO cannot block); files over KEYFILE_MAX_SIZE
 * are SLC_ERR_LENGTH. Saving creates the file mode 0600 (replacing an
 * existing one). */
SLC_WUR int keyfile_load_private(const char *path, const char *passphrase, struct sshkey **key,
                                 char **comment);
SLC_WUR int keyfile_save_private(const char *path, const struct sshkey *k, const char *comment,
                                 const char *passphrase, unsigned rounds);
SLC_WUR int keyfile_load_public(const char *path, struct sshkey **key, char **comment);
/* keyfile_parse_public_from_private on a file's contents. */
SLC_WUR int keyfile_load_public_from_private(const char *path, struct sshkey **key);
/* Public key line + "\n", mode 0644. */
SLC_WUR int keyfile_save_public(const char *path, const struct sshkey *k, const char *comment);
/* Read a whole regular file (at most max bytes) into a secret buffer. */
SLC_WUR int keyfile_read_file(const char *path, size_t max, struct buf *out);

#endif
