function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-30h]
  0010  cmp       rax,[r15+10h]
  0017  jb        00000000000003D8h
  001d  sub       rsp,30h
  0024  sub       qword ptr [r15+20h],1
  002f  js        00000000000003E2h
  0035  mov       qword ptr [rbp-8],1
  0040  mov       qword ptr [rbp-10h],2
  004b  mov       qword ptr [rbp-18h],3
  0056  mov       ebx,[rbp+10h]
  005d  mov       qword ptr [rbp-20h],4
  0068  cmp       ebx,1
  006f  jbe       00000000000000E8h
  0075  cmp       ebx,2
  007c  jbe       00000000000000AEh
  0082  cmp       ebx,4
  0089  jbe       00000000000000C1h
  008f  cmp       ebx,5
  0096  jbe       00000000000000AEh
  009c  cmp       ebx,7
  00a3  jbe       00000000000000D4h
  00a9  jmp       00000000000000E8h
  00ae  mov       r11,[rbp-20h]
  00b5  mov       [rbp-18h],r11
  00bc  jmp       0000000000000100h
  00c1  mov       r11,[rbp-20h]
  00c8  mov       [rbp-10h],r11
  00cf  jmp       0000000000000118h
  00d4  mov       r11,[rbp-20h]
  00db  mov       [rbp+10h],r11
  00e2  mov       rsp,rbp
  00e5  pop       rbp
  00e6  ret
  00e7  int3
  00e8  mov       ebx,[rbp-20h]
  00ef  mov       esi,[rbp-18h]
  00f6  add       esi,ebx
  00f9  mov       [rbp-18h],rsi
  0100  mov       ebx,[rbp-18h]
  0107  mov       esi,[rbp-10h]
  010e  add       esi,ebx
  0111  mov       [rbp-10h],rsi
  0118  mov       ebx,[rbp-10h]
  011f  mov       esi,[rbp-8]
  0126  add       esi,ebx
  0129  mov       [rbp+10h],rsi
  0130  mov       rsp,rbp
  0133  pop       rbp
  0134  ret
  0135  int3
function 1 (defined 1):
  0140  endbr64
  0144  push      rbp
  0145  mov       rbp,rsp
  0148  lea       rax,[rsp-20h]
  0150  cmp       rax,[r15+10h]
  0157  jb        00000000000003D8h
  015d  sub       rsp,20h
  0164  sub       qword ptr [r15+20h],1
  016f  js        00000000000003E2h
  0175  mov       ebx,[rbp+10h]
  017c  cmp       ebx,1
  0183  sete      bl
  0187  movzx     ebx,bl
  018b  mov       qword ptr [rbp-8],7
  0196  mov       qword ptr [rbp-10h],1
  01a1  test      ebx,ebx
  01a4  je        00000000000001BDh
  01aa  mov       r11,[rbp-10h]
  01b1  mov       [rbp-8],r11
  01b8  jmp       000000000000025Fh
  01bd  mov       ebx,[rbp+10h]
  01c4  cmp       ebx,2
  01cb  sete      bl
  01cf  movzx     ebx,bl
  01d3  mov       qword ptr [rbp-10h],2
  01de  test      ebx,ebx
  01e1  jne       00000000000001AAh
  01e7  mov       ebx,[rbp+10h]
  01ee  cmp       ebx,3
  01f5  sete      bl
  01f9  movzx     ebx,bl
  01fd  mov       qword ptr [rbp-10h],3
  0208  test      ebx,ebx
  020b  je        0000000000000225h
  0211  mov       r11,[rbp-10h]
  0218  mov       [rbp+10h],r11
  021f  mov       rsp,rbp
  0222  pop       rbp
  0223  ret
  0224  int3
  0225  mov       ebx,[rbp+10h]
  022c  cmp       ebx,4
  0233  sete      bl
  0237  movzx     ebx,bl
  023b  mov       qword ptr [rbp-10h],4
  0246  test      ebx,ebx
  0249  jne       0000000000000211h
  024f  mov       qword ptr [rbp-10h],9
  025a  jmp       00000000000001AAh
  025f  mov       r11,[rbp-8]
  0266  mov       [rbp+10h],r11
  026d  mov       rsp,rbp
  0270  pop       rbp
  0271  ret
  0272  int3
