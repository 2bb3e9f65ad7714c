//! Authentication: Argon2id passwords, API tokens (random, shown once, kept as SHA-256),
//! browser sessions (a random cookie kept as SHA-256 in memory, with a CSRF secret) and
//! login throttling per user and per address.
//!
//! Sessions live in the server's memory: a restart signs everyone out, and a session is
//! only as good as its user's standing in the directory, which every request checks, so a
//! leaver's session stops at once.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use sha2::{Digest, Sha256};

/// Why a password cannot be hashed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The operating system's random source failed.
    #[error("no randomness: {0}")]
    Random(String),
    /// Argon2 refused (parameters or length).
    #[error("cannot hash the password: {0}")]
    Hash(String),
    /// The password is too short or too long.
    #[error("a password is 12 to 256 characters")]
    BadPassword,
}

/// Argon2id with the configured costs.
#[derive(Debug, Clone)]
pub struct Passwords {
    params: Params,
}

impl Passwords {
    /// Argon2id with `memory_kib` and `passes`, one lane.
    pub fn new(memory_kib: u32, passes: u32) -> Result<Passwords, AuthError> {
        let params =
            Params::new(memory_kib, passes, 1, None).map_err(|e| AuthError::Hash(e.to_string()))?;
        Ok(Passwords { params })
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// The PHC string of a new hash of `password` with a random salt.
    pub fn hash(&self, password: &str) -> Result<String, AuthError> {
        if password.chars().count() < 12 || password.len() > 256 {
            return Err(AuthError::BadPassword);
        }
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| AuthError::Random(e.to_string()))?;
        PasswordHasher::<PasswordHash>::hash_password_with_salt(
            &self.argon2(),
            password.as_bytes(),
            &salt,
        )
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Hash(e.to_string()))
    }

    /// Whether `password` matches the PHC string (the costs are read from the string).
    pub fn verify(&self, password: &str, phc: &str) -> bool {
        password.len() <= 256
            && PasswordVerifier::<str>::verify_password(&self.argon2(), password.as_bytes(), phc)
                .is_ok()
    }
}

/// `n` random bytes as lower-case hex.
pub fn random_hex(n: usize) -> Result<String, AuthError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| AuthError::Random(e.to_string()))?;
    Ok(hex(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// SHA-256 of a secret, as lower-case hex: what is kept of tokens and session cookies.
pub fn sha256_hex(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// A new API token: `kul_` and 256 random bits.
pub fn new_token() -> Result<String, AuthError> {
    Ok(format!("kul_{}", random_hex(32)?))
}

/// A browser session.
#[derive(Debug, Clone)]
pub struct Session {
    /// The user.
    pub username: String,
    /// The CSRF secret every state-changing request must echo in `X-CSRF-Token`.
    pub csrf: String,
    /// Last use.
    pub last_used: Instant,
}

/// The sessions, by the SHA-256 of their cookie.
#[derive(Debug, Default)]
pub struct Sessions {
    by_hash: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    /// Opens a session; returns the cookie value and the CSRF secret.
    pub fn open(&self, username: &str) -> Result<(String, String), AuthError> {
        let cookie = random_hex(32)?;
        let csrf = random_hex(32)?;
        if let Ok(mut map) = self.by_hash.lock() {
            map.insert(
                sha256_hex(&cookie),
                Session {
                    username: username.to_owned(),
                    csrf: csrf.clone(),
                    last_used: Instant::now(),
                },
            );
        }
        Ok((cookie, csrf))
    }

    /// The live session of a cookie, touched; an idle one is closed.
    pub fn get(&self, cookie: &str, idle: Duration) -> Option<Session> {
        let mut map = self.by_hash.lock().ok()?;
        let key = sha256_hex(cookie);
        let session = map.get_mut(&key)?;
        if session.last_used.elapsed() > idle {
            map.remove(&key);
            return None;
        }
        session.last_used = Instant::now();
        Some(session.clone())
    }

    /// Closes a session.
    pub fn close(&self, cookie: &str) {
        if let Ok(mut map) = self.by_hash.lock() {
            map.remove(&sha256_hex(cookie));
        }
    }

    /// Closes every session of a user (a leaver, a new password).
    pub fn close_user(&self, username: &str) {
        if let Ok(mut map) = self.by_hash.lock() {
            map.retain(|_, s| s.username != username);
        }
    }
}

/// The most users and addresses whose failed logins are remembered at once.
const MAX_KEYS: usize = 100_000;

/// Failed logins per user and per address within a window (at most [`MAX_KEYS`] keys).
#[derive(Debug)]
pub struct Throttle {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
    limit: usize,
    window: Duration,
}

impl Throttle {
    /// At most `limit` failures per key within `window`.
    pub fn new(limit: u32, window: Duration) -> Throttle {
        Throttle {
            failures: Mutex::new(HashMap::new()),
            limit: limit as usize,
            window,
        }
    }

    /// Seconds to wait if any key is over its limit.
    pub fn blocked(&self, keys: &[String]) -> Option<u32> {
        let mut map = self.failures.lock().ok()?;
        let now = Instant::now();
        keys.iter()
            .filter_map(|k| {
                let list = map.get_mut(k)?;
                while list
                    .front()
                    .is_some_and(|t| now.duration_since(*t) > self.window)
                {
                    list.pop_front();
                }
                (list.len() >= self.limit).then(|| {
                    let oldest = list.front().copied().unwrap_or(now);
                    let wait = self.window.saturating_sub(now.duration_since(oldest));
                    u32::try_from(wait.as_secs()).unwrap_or(u32::MAX).max(1)
                })
            })
            .max()
    }

    /// Counts a failure against every key.
    pub fn fail(&self, keys: &[String]) {
        if let Ok(mut map) = self.failures.lock() {
            if map.len() + keys.len() > MAX_KEYS {
                // Put a limit on everything: forget failures older than the window first,
                // then, under a flood of distinct names, the keys with the oldest last
                // failure.
                let now = Instant::now();
                map.retain(|_, list| {
                    list.back()
                        .is_some_and(|t| now.duration_since(*t) <= self.window)
                });
                while map.len() + keys.len() > MAX_KEYS {
                    let oldest = map
                        .iter()
                        .min_by_key(|(_, list)| list.back().copied())
                        .map(|(k, _)| k.clone());
                    match oldest {
                        Some(k) => {
                            map.remove(&k);
                        }
                        None => break,
                    }
                }
            }
            for k in keys {
                map.entry(k.clone()).or_default().push_back(Instant::now());
            }
        }
    }

    /// Forgets the user's failures after a success (the address keeps its own).
    pub fn succeed(&self, user_key: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(user_key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_and_a_wrong_one_does_not() {
        let passwords = Passwords::new(64, 1).ok();
        let Some(passwords) = passwords else {
            panic!("params")
        };
        let phc = passwords.hash("correct horse battery").unwrap_or_default();
        assert!(phc.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{phc}");
        assert!(passwords.verify("correct horse battery", &phc));
        assert!(!passwords.verify("correct horse battery!", &phc));
        assert!(!passwords.verify("x", "not a phc string"));
        assert!(matches!(
            passwords.hash("short"),
            Err(AuthError::BadPassword)
        ));
    }

    #[test]
    fn throttling_blocks_after_the_limit_and_a_success_clears_the_user() {
        let throttle = Throttle::new(2, Duration::from_secs(60));
        let keys = ["user:a".to_owned(), "addr:1".to_owned()];
        assert_eq!(throttle.blocked(&keys), None);
        throttle.fail(&keys);
        throttle.fail(&keys);
        assert!(throttle.blocked(&keys).is_some());
        throttle.succeed("user:a");
        assert!(throttle.blocked(&keys[..1]).is_none());
        assert!(throttle.blocked(&keys[1..]).is_some());
    }

    #[test]
    fn the_throttle_remembers_a_bounded_number_of_keys() {
        let throttle = Throttle::new(3, Duration::from_secs(60));
        for i in 0..(MAX_KEYS + 10) {
            throttle.fail(&[format!("user:{i}")]);
        }
        let size = throttle.failures.lock().map(|m| m.len()).unwrap_or(0);
        assert_eq!(size, MAX_KEYS);
        let newest = format!("user:{}", MAX_KEYS + 9);
        throttle.fail(std::slice::from_ref(&newest));
        throttle.fail(std::slice::from_ref(&newest));
        assert!(
            throttle.blocked(&[newest]).is_some(),
            "the newest keys are kept"
        );
    }

    #[test]
    fn tokens_are_random_and_kept_hashed() {
        let (a, b) = (
            new_token().unwrap_or_default(),
            new_token().unwrap_or_default(),
        );
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 64);
        assert_eq!(sha256_hex("abc").len(), 64);
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
