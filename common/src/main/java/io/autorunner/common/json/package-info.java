/** JSON text written by hand where a general serializer costs too much per line or per body. */
package io.autorunner.common.json;
