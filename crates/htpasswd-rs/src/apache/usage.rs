//! Apache `htpasswd`'s usage text: a leaf, so that the failure type can print it without
//! depending on the Apache front end that uses the failure type.

/// Apache's usage text, byte for byte (stderr, exit 2).
pub(crate) const USAGE: &str = "\
Usage:
\thtpasswd [-cimB25dpsDv] [-C cost] [-r rounds] passwordfile username
\thtpasswd -b[cmB25dpsDv] [-C cost] [-r rounds] passwordfile username password

\thtpasswd -n[imB25dps] [-C cost] [-r rounds] username
\thtpasswd -nb[mB25dps] [-C cost] [-r rounds] username password
 -c  Create a new file.
 -n  Don't update file; display results on stdout.
 -b  Use the password from the command line rather than prompting for it.
 -i  Read password from stdin without verification (for script usage).
 -m  Force MD5 hashing of the password (default).
 -2  Force SHA-256 hashing of the password (secure).
 -5  Force SHA-512 hashing of the password (secure).
 -B  Force bcrypt hashing of the password (very secure).
 -C  Set the computing time used for the bcrypt algorithm
     (higher is more secure but slower, default: 5, valid: 4 to 17).
 -r  Set the number of rounds used for the SHA-256, SHA-512 algorithms
     (higher is more secure but slower, default: 5000).
 -d  Force CRYPT hashing of the password (8 chars max, insecure).
 -s  Force SHA-1 hashing of the password (insecure).
 -p  Do not hash the password (plaintext, insecure).
 -D  Delete the specified user.
 -v  Verify password for the specified user.
On other systems than Windows and NetWare the '-p' flag will probably not work.
The SHA-1 algorithm does not use a salt and is less secure than the MD5 algorithm.
";
