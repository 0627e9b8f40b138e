/* config_fs: the real-filesystem struct cfg_io for the configuration
 * grammars (src/core/config.h). */
#ifndef SLC_CONFIG_FS_H
#define SLC_CONFIG_FS_H

#include "config.h"

/* Files larger than this are refused (SLC_ERR_LIMIT): a configuration file
 * that big is a mistake, and the parser holds it in memory. */
#define CONFIG_FS_MAX_FILE (16u * 1024 * 1024)

/* Fill io with read_file/glob over the filesystem; ctx is unused. */
void config_fs_io(struct cfg_io *io);

#endif
