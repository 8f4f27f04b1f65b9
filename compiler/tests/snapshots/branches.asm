function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-30h]
  0010  cmp       rax,[r15+10h]
  0017  jb        0000000000000438h
  001d  sub       rsp,30h
  0024  sub       qword ptr [r15+20h],19h
  002c  js        0000000000000142h
  0032  mov       qword ptr [rbp-8],1
  003d  mov       qword ptr [rbp-10h],2
  0048  mov       qword ptr [rbp-18h],3
  0053  mov       ebx,[rbp+10h]
  005a  mov       qword ptr [rbp-20h],4
  0065  cmp       ebx,1
  006c  jbe       00000000000000E5h
  0072  cmp       ebx,2
  0079  jbe       00000000000000ABh
  007f  cmp       ebx,4
  0086  jbe       00000000000000BEh
  008c  cmp       ebx,5
  0093  jbe       00000000000000ABh
  0099  cmp       ebx,7
  00a0  jbe       00000000000000D1h
  00a6  jmp       00000000000000E5h
  00ab  mov       r11,[rbp-20h]
  00b2  mov       [rbp-18h],r11
  00b9  jmp       0000000000000102h
  00be  mov       r11,[rbp-20h]
  00c5  mov       [rbp-10h],r11
  00cc  jmp       000000000000011Fh
  00d1  mov       r11,[rbp-20h]
  00d8  mov       [rbp+10h],r11
  00df  mov       rsp,rbp
  00e2  pop       rbp
  00e3  ret
  00e4  int3
  00e5  mov       ebx,[rbp-20h]
  00ec  mov       esi,[rbp-18h]
  00f3  add       esi,ebx
  00f6  mov       [rbp-18h],rsi
  00fd  sub       qword ptr [r15+20h],2
  0102  mov       ebx,[rbp-18h]
  0109  mov       esi,[rbp-10h]
  0110  add       esi,ebx
  0113  mov       [rbp-10h],rsi
  011a  sub       qword ptr [r15+20h],2
  011f  mov       ebx,[rbp-10h]
  0126  mov       esi,[rbp-8]
  012d  add       esi,ebx
  0130  sub       qword ptr [r15+20h],2
  0135  mov       [rbp+10h],rsi
  013c  mov       rsp,rbp
  013f  pop       rbp
  0140  ret
  0141  int3
  0142  mov       rdi,r15
  0145  mov       rsi,rsp
  0148  mov       rdx,r11
  014b  call      0000000000000150h
  0150  test      eax,eax
  0152  jne       00000000000003E3h
  0158  mov       r14,[r15]
  015f  jmp       0000000000000032h
function 1 (defined 1):
  0170  endbr64
  0174  push      rbp
  0175  mov       rbp,rsp
  0178  lea       rax,[rsp-20h]
  0180  cmp       rax,[r15+10h]
  0187  jb        0000000000000438h
  018d  sub       rsp,20h
  0194  sub       qword ptr [r15+20h],17h
  019c  js        00000000000002B9h
  01a2  mov       ebx,[rbp+10h]
  01a9  cmp       ebx,1
  01b0  sete      bl
  01b4  movzx     ebx,bl
  01b8  mov       qword ptr [rbp-8],7
  01c3  mov       qword ptr [rbp-10h],1
  01ce  test      ebx,ebx
  01d1  je        00000000000001EAh
  01d7  mov       r11,[rbp-10h]
  01de  mov       [rbp-8],r11
  01e5  jmp       00000000000002A0h
  01ea  mov       ebx,[rbp+10h]
  01f1  cmp       ebx,2
  01f8  sete      bl
  01fc  movzx     ebx,bl
  0200  mov       qword ptr [rbp-10h],2
  020b  sub       qword ptr [r15+20h],6
  0210  test      ebx,ebx
  0213  jne       00000000000001D7h
  0219  mov       ebx,[rbp+10h]
  0220  cmp       ebx,3
  0227  sete      bl
  022b  movzx     ebx,bl
  022f  mov       qword ptr [rbp-10h],3
  023a  sub       qword ptr [r15+20h],6
  023f  test      ebx,ebx
  0242  je        000000000000025Ch
  0248  mov       r11,[rbp-10h]
  024f  mov       [rbp+10h],r11
  0256  mov       rsp,rbp
  0259  pop       rbp
  025a  ret
  025b  int3
  025c  mov       ebx,[rbp+10h]
  0263  cmp       ebx,4
  026a  sete      bl
  026e  movzx     ebx,bl
  0272  mov       qword ptr [rbp-10h],4
  027d  sub       qword ptr [r15+20h],6
  0282  test      ebx,ebx
  0285  jne       0000000000000248h
  028b  mov       qword ptr [rbp-10h],9
  0296  sub       qword ptr [r15+20h],3
  029b  jmp       00000000000001D7h
  02a0  sub       qword ptr [r15+20h],1
  02a5  mov       r11,[rbp-8]
  02ac  mov       [rbp+10h],r11
  02b3  mov       rsp,rbp
  02b6  pop       rbp
  02b7  ret
  02b8  int3
  02b9  mov       rdi,r15
  02bc  mov       rsi,rsp
  02bf  mov       rdx,r11
  02c2  call      00000000000002C7h
  02c7  test      eax,eax
  02c9  jne       00000000000003E3h
  02cf  mov       r14,[r15]
  02d6  jmp       00000000000001A2h
