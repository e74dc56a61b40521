import Foundation
import RelaisCore
import Security

/// The store's 32-byte key, drawn at random once and kept in the Keychain, readable only on
/// this device after its first unlock (`…AfterFirstUnlockThisDeviceOnly`: background refresh
/// works, the key is in no backup and moves to no other phone). If the item is gone, a new
/// key is drawn and the core recreates its store empty.
public final class KeychainKeyProvider: KeyProvider, @unchecked Sendable {
    private let account = "relais-store"
    private let lock = NSLock()

    public init() {}

    public func databaseKey() -> Data {
        lock.lock()
        defer { lock.unlock() }
        if let k = read() { return k }
        var bytes = Data(count: 32)
        let ok = bytes.withUnsafeMutableBytes { SecRandomCopyBytes(kSecRandomDefault, 32, $0.baseAddress!) }
        precondition(ok == errSecSuccess, "no random bytes")
        let add: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrAccount as String: account,
            kSecAttrAccessible as String: kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly,
            kSecValueData as String: bytes,
        ]
        SecItemDelete(add as CFDictionary)
        SecItemAdd(add as CFDictionary, nil)
        return bytes
    }

    private func read() -> Data? {
        let q: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrAccount as String: account,
            kSecReturnData as String: true,
            kSecMatchLimit as String: kSecMatchLimitOne,
        ]
        var out: AnyObject?
        guard SecItemCopyMatching(q as CFDictionary, &out) == errSecSuccess, let d = out as? Data, d.count == 32 else { return nil }
        return d
    }
}
