//! File and standard-input I/O: reading the inputs (`-f`, `--users-file`, `--htpasswd`: a file,
//! or standard input for `-`) and writing the credentials file. Terminal I/O (the password
//! prompt) is in `password.rs`; printing the output is `main.rs`'s.

use std::fs;
use std::io::{self, Read as _, Write as _};
use std::path::Path;

use zeroize::Zeroizing;

use crate::error::Error;

/// All of `path` (standard input for `-`), refusing it past `limit` bytes (one byte more is
/// read to tell): a hostile or mistaken input (`-f /dev/zero`) costs at most `limit` bytes of
/// memory. Errors name `flag` and the path.
pub(crate) fn read_input(path: &Path, flag: &str, limit: u64) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::new();
    let result = if path == Path::new("-") {
        io::stdin()
            .lock()
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map(drop)
    } else {
        fs::File::open(path).and_then(|f| {
            f.take(limit.saturating_add(1))
                .read_to_end(&mut bytes)
                .map(drop)
        })
    };
    result.map_err(|e| Error::io(format!("{flag} {}: {e}", path.display())))?;
    if bytes.len() as u64 > limit {
        return Err(Error::input(format!(
            "{flag} {}: larger than {limit} bytes (the limit; --max-input-size raises it where \
             the command has it)",
            path.display()
        )));
    }
    Ok(bytes)
}

/// [`read_input`], as UTF-8 text.
pub(crate) fn read_text(path: &Path, flag: &str, limit: u64) -> Result<String, Error> {
    let bytes = read_input(path, flag, limit)?;
    String::from_utf8(bytes)
        .map_err(|_| Error::input(format!("{flag} {}: not UTF-8 text", path.display())))
}

/// Creates `path` (it must not exist) with mode 0600 and writes the credentials.
pub(crate) fn write_credentials(path: &Path, lines: &[Zeroizing<String>]) -> Result<(), Error> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let err = |e: io::Error| Error::io(format!("--credentials-file {}: {e}", path.display()));
    let mut file = options.open(path).map_err(err)?;
    let mut text = Zeroizing::new(String::new());
    for l in lines {
        text.push_str(l);
        text.push('\n');
    }
    file.write_all(text.as_bytes()).map_err(err)?;
    file.sync_all().map_err(err)?;
    Ok(())
}
