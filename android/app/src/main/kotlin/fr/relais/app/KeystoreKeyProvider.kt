package fr.relais.app

import android.content.Context
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import fr.relais.core.KeyProvider
import java.io.File
import java.security.KeyStore
import java.security.SecureRandom
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The store's 32-byte key: drawn at random once, kept wrapped (AES-GCM) under a key that
 * lives in the Android Keystore and cannot leave it. The wrapped blob sits in
 * `noBackupFilesDir`, out of every backup. If the keystore key is gone (device reset, app
 * data cleared), a new key is drawn and the core, unable to open the old store, recreates it
 * empty: the coordinator signs in again and nothing is readable from the old file.
 */
class KeystoreKeyProvider(context: Context) : KeyProvider {
    private val blob = File(context.noBackupFilesDir, "relais.key")

    override fun databaseKey(): ByteArray = synchronized(this) {
        runCatching { if (blob.exists()) unwrap(blob.readBytes()) else null }.getOrNull() ?: fresh()
    }

    private fun fresh(): ByteArray {
        val key = ByteArray(32).also { SecureRandom().nextBytes(it) }
        val c = Cipher.getInstance(TRANSFORM)
        c.init(Cipher.ENCRYPT_MODE, wrappingKey())
        blob.writeBytes(c.iv + c.doFinal(key))
        return key
    }

    private fun unwrap(bytes: ByteArray): ByteArray {
        val c = Cipher.getInstance(TRANSFORM)
        c.init(Cipher.DECRYPT_MODE, wrappingKey(), GCMParameterSpec(128, bytes, 0, 12))
        return c.doFinal(bytes, 12, bytes.size - 12)
    }

    private fun wrappingKey(): SecretKey {
        val ks = KeyStore.getInstance("AndroidKeyStore").apply { load(null) }
        (ks.getKey(ALIAS, null) as? SecretKey)?.let { return it }
        val gen = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, "AndroidKeyStore")
        gen.init(
            KeyGenParameterSpec.Builder(ALIAS, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                .setKeySize(256)
                .build(),
        )
        return gen.generateKey()
    }

    private companion object {
        const val ALIAS = "relais-store"
        const val TRANSFORM = "AES/GCM/NoPadding"
    }
}
